/*
 * Calor's C yardstick for the variable-diffusivity kernel: the conservative 5-point form of
 * ∇·(α∇u), with the face coefficients precomputed and premultiplied by dt/h², on an N×N interior with
 * a Dirichlet-0 rim, float64, OpenMP over rows. kx[j][i] belongs to the face between nodes i and i+1,
 * ky[j][i] to the face between rows j and j+1:
 *
 *   u' = u + kx[i]·(u_e − u) − kx[i−1]·(u − u_w) + ky[j]·(u_n − u) − ky[j−1]·(u − u_s)
 *
 *   stencil_var N STEPS [THREADS]
 *   prints one line: N steps threads seconds MLUPS checksum   (MLUPS = N·N·steps / seconds / 1e6)
 */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

static long arg(int argc, char **argv, int k, long fallback) {
  if (k >= argc) return fallback;
  char *end = NULL;
  long v = strtol(argv[k], &end, 10);
  return (*end == '\0' && v > 0) ? v : -1;
}

/* A diffusivity between 1 and 1.5 that varies from face to face, times dt/h² = 0.1: the four faces of a
 * node sum to at most 0.6, inside the stability limit of 1. */
static double face(long i, long j, int axis) {
  return 0.1 * (1.0 + 0.5 * (double)((i * 5 + j * 3 + axis * 7) % 11) / 11.0);
}

int main(int argc, char **argv) {
  long n = arg(argc, argv, 1, -1), steps = arg(argc, argv, 2, -1), threads = arg(argc, argv, 3, omp_get_max_threads());
  if (n < 1 || steps < 1 || threads < 1) {
    fprintf(stderr, "usage: stencil_var N STEPS [THREADS], all positive integers\n");
    return 2;
  }
  omp_set_num_threads((int)threads);
  const size_t stride = (size_t)n + 2, count = stride * stride;
  double *u = calloc(count, sizeof *u), *v = calloc(count, sizeof *v);
  double *kx = calloc(count, sizeof *kx), *ky = calloc(count, sizeof *ky);
  if (u == NULL || v == NULL || kx == NULL || ky == NULL) return 3;
  for (long j = 0; j < (long)stride; j++)
    for (long i = 0; i < (long)stride; i++) {
      kx[j * stride + i] = face(i, j, 0);
      ky[j * stride + i] = face(i, j, 1);
      if (i >= 1 && i <= n && j >= 1 && j <= n) u[j * stride + i] = (double)((i * 31 + j * 17) % 23) / 23.0;
    }
  const double started = omp_get_wtime();
#pragma omp parallel firstprivate(u, v)
  for (long s = 0; s < steps; s++) {
#pragma omp for schedule(static)
    for (long j = 1; j <= n; j++) {
      const double *row = u + j * stride, *south = row - stride, *north = row + stride;
      const double *east = kx + j * stride, *up = ky + j * stride, *down = up - stride;
      double *out = v + j * stride;
#pragma omp simd
      for (long i = 1; i <= n; i++)
        out[i] = row[i] + east[i] * (row[i + 1] - row[i]) - east[i - 1] * (row[i] - row[i - 1]) +
                 up[i] * (north[i] - row[i]) - down[i] * (row[i] - south[i]);
    }
    double *swap = u; /* each thread swaps its own copies; the barrier ending `omp for` orders the steps */
    u = v;
    v = swap;
  }
  const double seconds = omp_get_wtime() - started;
  const double *last = (steps % 2 == 0) ? u : v;
  double checksum = 0;
  for (size_t k = 0; k < count; k++) checksum += last[k];
  printf("%ld %ld %ld %.6f %.1f %.12e\n", n, steps, threads, seconds, (double)n * n * steps / seconds / 1e6, checksum);
  free(u), free(v), free(kx), free(ky);
  return 0;
}
