//! Colour maps for frames, as 256-entry lookup tables of 8-bit sRGB.
//!
//! The perceptual maps (inferno, viridis, magma, plasma) and turbo come from the `colorous` crate, a
//! port of d3-scale-chromatic, which holds the published matplotlib tables and Google's turbo.
//! Coolwarm is Kenneth Moreland's diverging map ("Diverging Color Maps for Scientific
//! Visualization", 2009), interpolated from his published 33-point table (CoolWarmFloat33.csv).
//! Gray is the linear ramp from black to white.

/// Entries in a lookup table: index 0 is the low end of the range, 255 the high end.
pub const LUT_SIZE: usize = 256;

/// A colour map by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Colormap {
  Inferno,
  Viridis,
  Magma,
  Plasma,
  Turbo,
  Coolwarm,
  Gray,
}

/// Every map, with the name the options use.
pub const COLORMAPS: [(&str, Colormap); 7] = [
  ("inferno", Colormap::Inferno),
  ("viridis", Colormap::Viridis),
  ("magma", Colormap::Magma),
  ("plasma", Colormap::Plasma),
  ("turbo", Colormap::Turbo),
  ("coolwarm", Colormap::Coolwarm),
  ("gray", Colormap::Gray),
];

/// Moreland's cool-warm anchors at scalar k/32, k = 0…32: (r, g, b) in [0, 1].
#[rustfmt::skip]
const COOLWARM_33: [[f64; 3]; 33] = [
  [0.229_805_7, 0.298_717_966, 0.753_683_153], [0.266_233_88, 0.353_094_838, 0.801_466_763],
  [0.303_868_91, 0.406_535_296, 0.844_958_67], [0.342_804_478, 0.458_757_618, 0.883_725_899],
  [0.383_013_34, 0.509_419_04, 0.917_387_822], [0.424_369_608, 0.558_148_092, 0.945_619_588],
  [0.466_667_08, 0.604_562_568, 0.968_154_911], [0.509_635_204, 0.648_280_772, 0.984_788_14],
  [0.552_953_156, 0.688_929_332, 0.995_375_608], [0.596_262_162, 0.726_149_107, 0.999_836_203],
  [0.639_176_211, 0.759_599_947, 0.998_151_185], [0.681_291_281, 0.788_964_712, 0.990_363_227],
  [0.722_193_294, 0.813_952_739, 0.976_574_709], [0.761_464_949, 0.834_302_879, 0.956_945_269],
  [0.798_691_636, 0.849_786_142, 0.931_688_648], [0.833_466_556, 0.860_207_984, 0.901_068_838],
  [0.865_395_197, 0.865_410_21, 0.865_395_561], [0.897_787_179, 0.848_937_047, 0.820_880_546],
  [0.924_127_593, 0.827_384_882, 0.774_508_472], [0.944_468_518, 0.800_927_443, 0.726_736_146],
  [0.958_852_946, 0.769_767_752, 0.678_007_945], [0.967_328_03, 0.734_132_809, 0.628_751_763],
  [0.969_954_137, 0.694_266_682, 0.579_375_448], [0.966_811_177, 0.650_421_156, 0.530_263_762],
  [0.958_003_065, 0.602_842_431, 0.481_775_914], [0.943_660_866, 0.551_750_968, 0.434_243_684],
  [0.923_944_917, 0.497_308_56, 0.387_970_225], [0.899_046_17, 0.439_559_467, 0.343_229_596],
  [0.869_186_849, 0.378_313_092, 0.300_267_182], [0.834_620_542, 0.312_874_446, 0.259_301_199],
  [0.795_631_745, 0.241_283_79, 0.220_525_627], [0.752_534_934, 0.157_246_067, 0.184_115_123],
  [0.705_673_158, 0.015_555_616, 0.150_232_812],
];

impl Colormap {
  /// The map called `name`, or None.
  #[must_use]
  pub fn from_name(name: &str) -> Option<Self> {
    COLORMAPS.iter().find(|(n, _)| *n == name).map(|(_, c)| *c)
  }

  /// The map's lookup table.
  #[must_use]
  pub fn lut(self) -> Lut {
    let mut table = [[0u8; 3]; LUT_SIZE];
    for (i, entry) in table.iter_mut().enumerate() {
      *entry = self.sample(i);
    }
    Lut(table)
  }

  /// The colour at i / 255.
  fn sample(self, i: usize) -> [u8; 3] {
    let gradient = match self {
      Colormap::Inferno => colorous::INFERNO,
      Colormap::Viridis => colorous::VIRIDIS,
      Colormap::Magma => colorous::MAGMA,
      Colormap::Plasma => colorous::PLASMA,
      Colormap::Turbo => colorous::TURBO,
      Colormap::Coolwarm => return coolwarm(i as f64 / (LUT_SIZE - 1) as f64),
      Colormap::Gray => return [i as u8; 3],
    };
    gradient.eval_rational(i, LUT_SIZE).as_array()
  }
}

/// Moreland's cool-warm at `t` in [0, 1], linear between his anchors (which are dense enough that the
/// straight segments stay within a fraction of a unit of his own Msh interpolation).
fn coolwarm(t: f64) -> [u8; 3] {
  let x = t.clamp(0.0, 1.0) * 32.0;
  let k = (x.floor() as usize).min(31);
  let f = x - k as f64;
  let (a, b) = (COOLWARM_33[k], COOLWARM_33[k + 1]);
  let channel = |c: usize| ((a[c] + (b[c] - a[c]) * f) * 255.0).round().clamp(0.0, 255.0) as u8;
  [channel(0), channel(1), channel(2)]
}

/// A 256-entry colour table: value lo → entry 0, hi → entry 255.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lut(pub [[u8; 3]; LUT_SIZE]);

impl Lut {
  /// The first entry (the colour of the low end of the range).
  #[must_use]
  pub fn low(&self) -> [u8; 3] {
    self.0[0]
  }

  /// The last entry (the colour of the high end of the range).
  #[must_use]
  pub fn high(&self) -> [u8; 3] {
    self.0[LUT_SIZE - 1]
  }
}
