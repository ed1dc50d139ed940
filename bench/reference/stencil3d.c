/*
 * Calor's C yardstick for the 3D kernel: a plain explicit FTCS sweep of the 7-point Laplacian on an
 * N×N×N interior with a one-node Dirichlet-0 shell, float64, OpenMP over planes. No blocking, no
 * intrinsics (built with -O3 -march=native -fopenmp).
 *
 *   stencil3d N STEPS [THREADS]
 *   prints one line: N steps threads seconds MLUPS checksum   (MLUPS = N·N·N·steps / seconds / 1e6)
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

int main(int argc, char **argv) {
  long n = arg(argc, argv, 1, -1), steps = arg(argc, argv, 2, -1), threads = arg(argc, argv, 3, omp_get_max_threads());
  if (n < 1 || steps < 1 || threads < 1) {
    fprintf(stderr, "usage: stencil3d N STEPS [THREADS], all positive integers\n");
    return 2;
  }
  omp_set_num_threads((int)threads);
  const size_t row = (size_t)n + 2, plane = row * row, count = plane * row;
  double *u = calloc(count, sizeof *u), *v = calloc(count, sizeof *v);
  if (u == NULL || v == NULL) return 3;
  for (long k = 1; k <= n; k++)
    for (long j = 1; j <= n; j++)
      for (long i = 1; i <= n; i++) u[k * plane + j * row + i] = (double)((i * 31 + j * 17 + k * 7) % 23) / 23.0;
  const double r = 0.125; /* α·dt/h² on each axis; stable below 1/6 */
  const double started = omp_get_wtime();
#pragma omp parallel firstprivate(u, v)
  for (long s = 0; s < steps; s++) {
#pragma omp for schedule(static)
    for (long k = 1; k <= n; k++)
      for (long j = 1; j <= n; j++) {
        const double *c = u + k * plane + j * row;
        double *out = v + k * plane + j * row;
#pragma omp simd
        for (long i = 1; i <= n; i++)
          out[i] = c[i] + r * (c[i - 1] - 2.0 * c[i] + c[i + 1]) + r * (c[i - row] - 2.0 * c[i] + c[i + row]) +
                   r * (c[i - plane] - 2.0 * c[i] + c[i + plane]);
      }
    double *swap = u; /* each thread swaps its own copies; the barrier ending `omp for` orders the steps */
    u = v;
    v = swap;
  }
  const double seconds = omp_get_wtime() - started;
  const double *last = (steps % 2 == 0) ? u : v;
  double checksum = 0;
  for (size_t q = 0; q < count; q++) checksum += last[q];
  printf("%ld %ld %ld %.6f %.1f %.12e\n", n, steps, threads, seconds, (double)n * n * n * steps / seconds / 1e6,
         checksum);
  free(u), free(v);
  return 0;
}
