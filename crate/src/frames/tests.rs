//! Tests of colour maps, colouring, and PNG and APNG encoding of frames.

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use crate::frames::colormap::{Colormap, COLORMAPS, LUT_SIZE};
use crate::frames::{
  colorize, encode_png, finite_range, widen_range, write_animation, write_frame, FrameError, FrameShape,
};

/// A fresh, empty directory under the system temp dir.
fn temp_dir(name: &str) -> PathBuf {
  let dir = std::env::temp_dir().join(format!("calor-frames-{name}-{}", std::process::id()));
  let _ = std::fs::remove_dir_all(&dir);
  std::fs::create_dir_all(&dir).unwrap();
  dir
}

/// Decodes every frame of a PNG or APNG: (width, height, frames of RGB bytes).
fn decode_all(path: &Path) -> (u32, u32, Vec<Vec<u8>>) {
  let mut reader = png::Decoder::new(BufReader::new(File::open(path).unwrap())).read_info().unwrap();
  let (width, height) = reader.info().size();
  let count = reader.info().animation_control().map_or(1, |a| a.num_frames);
  let mut frames = Vec::new();
  for _ in 0..count {
    let mut buffer = vec![0; reader.output_buffer_size().unwrap()];
    reader.next_frame(&mut buffer).unwrap();
    frames.push(buffer);
  }
  (width, height, frames)
}

#[test]
fn colormap_ends_match_the_published_tables() {
  // (name, first colour, last colour): matplotlib's tables for the perceptual maps, Moreland's
  // CoolWarmFloat33 end points ×255 rounded, and black to white.
  let cases: [(&str, [u8; 3], [u8; 3]); 5] = [
    ("inferno", [0x00, 0x00, 0x04], [0xfc, 0xff, 0xa4]),
    ("viridis", [0x44, 0x01, 0x54], [0xfd, 0xe7, 0x25]),
    ("magma", [0x00, 0x00, 0x04], [0xfc, 0xfd, 0xbf]),
    ("coolwarm", [59, 76, 192], [180, 4, 38]),
    ("gray", [0, 0, 0], [255, 255, 255]),
  ];
  for (name, low, high) in cases {
    let lut = Colormap::from_name(name).unwrap().lut();
    assert_eq!((lut.low(), lut.high()), (low, high), "{name}");
  }
}

#[test]
fn coolwarm_is_neutral_grey_in_the_middle() {
  let lut = Colormap::Coolwarm.lut();
  let [r, g, b] = lut.0[LUT_SIZE / 2];
  assert!(r.abs_diff(221) <= 2 && g.abs_diff(221) <= 2 && b.abs_diff(221) <= 2, "{:?}", [r, g, b]);
  assert!(lut.low()[2] > lut.low()[0], "cold end is blue");
  assert!(lut.high()[0] > lut.high()[2], "hot end is red");
}

#[test]
fn every_map_has_a_name_and_unknown_names_are_refused() {
  for (name, map) in COLORMAPS {
    assert_eq!(Colormap::from_name(name), Some(map), "{name}");
  }
  assert_eq!(Colormap::from_name("jet"), None);
  assert_eq!(COLORMAPS.len(), 7);
}

#[test]
fn finite_range_skips_nan_and_infinities() {
  assert_eq!(finite_range(&[3.0, f64::NAN, -1.0, f64::INFINITY, 2.0]), Some((-1.0, 3.0)));
  assert_eq!(finite_range(&[f64::NAN]), None);
  assert_eq!(widen_range((2.0, 2.0)), (1.5, 2.5));
  assert_eq!(widen_range((0.0, 1.0)), (0.0, 1.0));
}

#[test]
fn colorize_puts_the_last_row_on_top_and_scales_by_blocks() {
  let lut = Colormap::Gray.lut();
  // nx = 3, ny = 2: row j = 0 is 0, 0.5, 1; row j = 1 is 1, NaN, −7 (clamped to 0).
  let field = [0.0, 0.5, 1.0, 1.0, f64::NAN, -7.0];
  let shape = FrameShape { nx: 3, ny: 2, scale: 2 };
  let rgb = colorize(&field, shape, 0.0, 1.0, &lut);
  assert_eq!(rgb.len(), 6 * 4 * 3);
  let grey = |x: usize, y: usize| {
    let p = &rgb[(y * 6 + x) * 3..][..3];
    assert!(p[0] == p[1] && p[1] == p[2]);
    p[0]
  };
  let rows: Vec<Vec<u8>> = (0..4).map(|y| (0..6).map(|x| grey(x, y)).collect()).collect();
  assert_eq!(rows[0], [255, 255, 0, 0, 0, 0], "top row is j = 1");
  assert_eq!(rows[1], rows[0]);
  assert_eq!(rows[2], [0, 0, 128, 128, 255, 255], "bottom row is j = 0; 0.5 rounds to entry 128");
  assert_eq!(rows[3], rows[2]);
}

#[test]
fn colorize_takes_a_range_wider_than_the_largest_f64() {
  // hi − lo = 3.4e308 overflows; the colours must still spread over the table.
  let lut = Colormap::Gray.lut();
  let field = [-1.7e308, 0.0, 1.7e308, 0.85e308, f64::INFINITY, f64::NAN];
  let rgb = colorize(&field, FrameShape { nx: 6, ny: 1, scale: 1 }, -1.7e308, 1.7e308, &lut);
  let greys: Vec<u8> = rgb.chunks_exact(3).map(|p| p[0]).collect();
  assert_eq!(greys, [0, 128, 255, 191, 255, 0]);
}

#[test]
fn png_round_trips_and_write_frame_checks_its_shape() {
  let dir = temp_dir("png");
  let field: Vec<f64> = (0..12).map(f64::from).collect();
  let shape = FrameShape { nx: 4, ny: 3, scale: 3 };
  let path = dir.join("a.png");
  write_frame(&field, shape, (0.0, 11.0), &Colormap::Inferno.lut(), &path).unwrap();
  let (width, height, frames) = decode_all(&path);
  assert_eq!((width, height, frames.len()), (12, 9, 1));
  assert_eq!(frames[0], colorize(&field, shape, 0.0, 11.0, &Colormap::Inferno.lut()));
  let err = write_frame(&field[1..], shape, (0.0, 1.0), &Colormap::Gray.lut(), &path).unwrap_err();
  assert_eq!(err.to_string(), "field must be nx·ny values, got 11 values for 4×3");
  let zero = FrameShape { scale: 0, ..shape };
  let err = write_frame(&field, zero, (0.0, 1.0), &Colormap::Gray.lut(), &path).unwrap_err();
  assert!(matches!(err, FrameError::Argument { what: "scale", .. }), "{err}");
  let missing = dir.join("no/such/dir/b.png");
  let err = write_frame(&field, shape, (0.0, 1.0), &Colormap::Gray.lut(), &missing).unwrap_err();
  assert!(matches!(err, FrameError::Io { .. }) && err.to_string().contains("no/such/dir/b.png"), "{err}");
  let bytes = encode_png(&[1, 2, 3], 1, 1, &path).unwrap();
  assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
}

#[test]
fn animation_holds_every_frame_in_order() {
  let dir = temp_dir("apng");
  let shape = FrameShape { nx: 5, ny: 4, scale: 1 };
  let lut = Colormap::Viridis.lut();
  let mut paths = Vec::new();
  let mut expected = Vec::new();
  for k in 0..3 {
    let field: Vec<f64> = (0..20).map(|n| f64::from((n * (k + 1)) % 7)).collect();
    let path = dir.join(format!("frame-{k}.png"));
    write_frame(&field, shape, (0.0, 6.0), &lut, &path).unwrap();
    expected.push(colorize(&field, shape, 0.0, 6.0, &lut));
    paths.push(path);
  }
  let out = dir.join("animation.png");
  write_animation(&paths, &out, 12).unwrap();
  let (width, height, frames) = decode_all(&out);
  assert_eq!((width, height), (5, 4));
  assert_eq!(frames, expected);
}

#[test]
fn animation_refuses_mixed_sizes_and_no_frames() {
  let dir = temp_dir("apng-bad");
  let lut = Colormap::Gray.lut();
  let a = dir.join("a.png");
  let b = dir.join("b.png");
  write_frame(&[0.0; 9], FrameShape { nx: 3, ny: 3, scale: 1 }, (0.0, 1.0), &lut, &a).unwrap();
  write_frame(&[0.0; 9], FrameShape { nx: 3, ny: 3, scale: 2 }, (0.0, 1.0), &lut, &b).unwrap();
  let err = write_animation(&[&a, &b], &dir.join("out.png"), 10).unwrap_err();
  assert!(err.to_string().starts_with("animation frames must be all the same size"), "{err}");
  let none: [&Path; 0] = [];
  let err = write_animation(&none, &dir.join("out.png"), 10).unwrap_err();
  assert_eq!(err.to_string(), "animation must be at least one frame at fps >= 1, got 0 frames at 10 fps");
}

/// CRC-32 (ISO-HDLC) of a chunk's type and data, as PNG stores it.
fn crc32(bytes: &[u8]) -> u32 {
  let mut crc = !0u32;
  for &byte in bytes {
    crc ^= u32::from(byte);
    for _ in 0..8 {
      crc = if crc & 1 == 1 { (crc >> 1) ^ 0xedb8_8320 } else { crc >> 1 };
    }
  }
  !crc
}

/// A PNG of only a valid header (signature, IHDR with correct CRC) claiming `width` × `height`
/// 8-bit RGB pixels, then an empty IDAT and IEND: no pixel data at all.
fn header_only_png(width: u32, height: u32) -> Vec<u8> {
  let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
  let mut chunk = |kind: &[u8], data: &[u8]| {
    png.extend_from_slice(&u32::try_from(data.len()).unwrap().to_be_bytes());
    let body = [kind, data].concat();
    png.extend_from_slice(&body);
    png.extend_from_slice(&crc32(&body).to_be_bytes());
  };
  let ihdr = [&width.to_be_bytes()[..], &height.to_be_bytes(), &[8, 2, 0, 0, 0]].concat();
  chunk(b"IHDR", &ihdr);
  chunk(b"IDAT", &[]);
  chunk(b"IEND", &[]);
  png
}

/// Test that a frame whose header claims a huge image is an error naming the file and the size,
/// never an allocation of the claimed size (100000² RGB is 30 GB) or an abort, whether it is the
/// first frame or a later one, and also when the size is within bounds but the data is missing.
#[test]
fn animation_refuses_frames_whose_header_lies() {
  assert_eq!(crc32(b"IEND"), 0xae42_6082, "the CRC of an empty IEND chunk");
  let dir = temp_dir("huge");
  let good = dir.join("good.png");
  write_frame(&[0.0, 1.0], FrameShape { nx: 2, ny: 1, scale: 1 }, (0.0, 1.0), &Colormap::Gray.lut(), &good).unwrap();
  let out = dir.join("out.png");
  // (width, height, what the message must say): within bounds but without data, the decoder's own
  // error names the file, and nothing of the claimed size was allocated before it.
  let cases = [
    (100_000, 100_000, "image is 100000×100000 pixels, more than 32768 a side"),
    (1, 4_000_000_000, "image is 1×4000000000 pixels, more than 32768 a side"),
    (30_000, 30_000, ""),
  ];
  for (width, height, says) in cases {
    let huge = dir.join(format!("huge-{width}x{height}.png"));
    std::fs::write(&huge, header_only_png(width, height)).unwrap();
    let named = format!("{}: {says}", huge.display());
    let first = write_animation(&[&huge, &good], &out, 10).expect_err("a first frame whose header lies");
    assert!(matches!(first, FrameError::Png { .. }), "{first:?}");
    assert!(first.to_string().starts_with(&named), "{first}");
    // A later frame is compared with the first before anything is allocated for it.
    let later = write_animation(&[&good, &huge], &out, 10).expect_err("a later frame whose header lies");
    let message = later.to_string();
    assert!(
      message.contains(&huge.display().to_string()) && message.contains(&format!("{width}×{height}")),
      "{message}"
    );
  }
  let _ = std::fs::remove_dir_all(&dir);
}
