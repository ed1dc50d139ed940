/*
 * calor's yardstick for the variable-diffusivity kernel: a plain C sweep of the same conservative
 * formula calor evaluates (float64, 5-point, harmonic-mean face α precomputed once, not scaled by dt):
 *
 *   u' = u + rx*(ae*(ue - u) - aw*(u - uw)) + ry*(an*(un - u) - as*(u - us))
 *
 * on an (N+2)^2 padded grid with a fixed boundary, OpenMP over rows, one barrier per step.
 * Build: gcc -O3 -march=native -fopenmp stencil_var.c -o stencil_var
 * Usage: stencil_var N STEPS [THREADS]   prints: N steps threads seconds MLUPS checksum
 */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

static double *zeroed(size_t count) {
  size_t bytes = (count * sizeof(double) + 63) / 64 * 64;
  double *p = aligned_alloc(64, bytes);
  if (p == NULL) {
    fprintf(stderr, "out of memory\n");
    exit(1);
  }
  for (size_t k = 0; k < count; k++) p[k] = 0.0;
  return p;
}

static double harmonic(double a, double b) { return a * ((2.0 * b) / (a + b)); }

/* A smooth α between 1 and 2 (what calor's bench cell uses): alpha(x, y) = 1 + x*y on [0, 1]^2. */
static double alpha(int i, int j, int n) { return 1.0 + (double)i / (n + 1) * ((double)j / (n + 1)); }

static void faces(double *east, double *north, int n) {
  size_t w = (size_t)n + 2;
  for (int j = 0; j < n + 2; j++)
    for (int i = 0; i < n + 2; i++) {
      if (i + 1 < n + 2) east[j * w + i] = harmonic(alpha(i, j, n), alpha(i + 1, j, n));
      if (j + 1 < n + 2) north[j * w + i] = harmonic(alpha(i, j, n), alpha(i, j + 1, n));
    }
}

static void sweep_row(const double *restrict c, double *restrict out, const double *restrict east,
                      const double *restrict north, size_t w, int n, double rx, double ry) {
  const double *south = north - w, *up = c + w, *down = c - w;
#pragma omp simd
  for (int i = 1; i <= n; i++) {
    double u = c[i];
    out[i] = u + rx * (east[i] * (c[i + 1] - u) - east[i - 1] * (u - c[i - 1])) +
             ry * (north[i] * (up[i] - u) - south[i] * (u - down[i]));
  }
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: stencil_var N STEPS [THREADS]\n");
    return 2;
  }
  int n = atoi(argv[1]), steps = atoi(argv[2]);
  if (argc > 3) omp_set_num_threads(atoi(argv[3]));
  size_t w = (size_t)n + 2, len = w * w;
  double *a = zeroed(len), *b = zeroed(len), *east = zeroed(len), *north = zeroed(len);
  faces(east, north, n);
  for (size_t k = 0; k < len; k++) a[k] = b[k] = 1.0;
  for (int j = 1; j <= n; j++)
    for (int i = 1; i <= n; i++) a[j * w + i] = 1.0 + (double)((i * 7 + j * 13) % 17) / 17.0;
  double h = 1.0 / (n + 1), dt = 0.9 / (2.0 * 2.0 * (2.0 / (h * h)));
  double rx = dt / (h * h), ry = rx;
  double started = omp_get_wtime();
#pragma omp parallel
  for (int s = 0; s < steps; s++) {
    const double *src = (s % 2 == 0) ? a : b;
    double *dst = (s % 2 == 0) ? b : a;
#pragma omp for schedule(static)
    for (int j = 1; j <= n; j++) sweep_row(src + j * w, dst + j * w, east + j * w, north + j * w, w, n, rx, ry);
  }
  double seconds = omp_get_wtime() - started, sum = 0.0;
  const double *last = (steps % 2 == 0) ? a : b;
  for (size_t k = 0; k < len; k++) sum += last[k];
  printf("%d %d %d %.6f %.1f %.12e\n", n, steps, omp_get_max_threads(), seconds, (double)n * n * steps / seconds / 1e6,
         sum);
  return 0;
}
