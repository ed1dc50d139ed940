// The .vti files read by VTK itself (PyPI's `vtk`, vtkXMLImageDataReader), in both encodings, in 2D from a
// solve and in 3D from formatVti: dimensions, origin, spacing, the time and the exact bits of every value.
// The .pvd is parsed by Python's own XML parser. Needs the reader that `npm run setup:vtk` installs into
// .tools/vtk (npm test tries first); without it this suite is one skipped test that says so.
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { describe, expect, it } from 'vitest'

import { solve } from 'calor'

import { formatVti } from '../dist/storage/vtk.js'

const kPython = path.join(import.meta.dirname, '..', '.tools', 'vtk', 'bin', 'python')
const tempDir = () => mkdtempSync(path.join(os.tmpdir(), 'calor-vtk-reader-'))

/** Reads each .vti with VTK and the .pvd with ElementTree; prints one JSON object. */
const kReader = `
import json, sys, xml.etree.ElementTree as ET
from vtkmodules.vtkIOXML import vtkXMLImageDataReader
from vtkmodules.util.numpy_support import vtk_to_numpy
out = {}
for name in sys.argv[1:]:
    if name.endswith('.pvd'):
        sets = ET.parse(name).getroot().find('Collection').findall('DataSet')
        out[name] = [[float(d.get('timestep')), d.get('file')] for d in sets]
        continue
    reader = vtkXMLImageDataReader()
    reader.SetFileName(name)
    reader.Update()
    image = reader.GetOutput()
    u = vtk_to_numpy(image.GetPointData().GetArray('u'))
    out[name] = {
        'error': reader.GetErrorCode(), 'dims': image.GetDimensions(), 'origin': image.GetOrigin(),
        'spacing': image.GetSpacing(), 'time': image.GetFieldData().GetArray('TimeValue').GetValue(0),
        'dtype': str(u.dtype), 'hex': u.astype('<f8').tobytes().hex(),
    }
print(json.dumps(out))
`

function readWithVtk(files: string[]): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    execFile(kPython, ['-c', kReader, ...files], { timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`the VTK reader failed: ${stderr || error.message}`))
      else resolve(JSON.parse(stdout) as Record<string, unknown>)
    })
  })
}

const hexOf = (values: Float64Array) => Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('hex')

if (existsSync(kPython)) {
  describe("VTK's own reader", () => {
    it('reads a solve’s files in both encodings to the exact bits, and its collection', async () => {
      const [nx, ny, lx, ly] = [11, 6, 2, 0.5]
      const files: string[] = []
      const results = []
      for (const encoding of ['raw', 'base64'] as const) {
        const dir = tempDir()
        const options = { grid: { nx, ny, lx, ly }, initial: (x: number, y: number) => x * Math.exp(y), steps: 5 }
        results.push(await solve({ ...options, vtk: { dir, every: 2, encoding } }))
        files.push(path.join(dir, 'u_000005.vti'), path.join(dir, 'u.pvd'))
      }
      const read = await readWithVtk(files)
      for (const [k, result] of results.entries()) {
        const [vti, pvd] = [read[files[2 * k]], read[files[2 * k + 1]]]
        expect(vti).toEqual({
          error: 0,
          dims: [nx, ny, 1],
          origin: [0, 0, 0],
          spacing: [lx / (nx - 1), ly / (ny - 1), lx / (nx - 1)],
          time: result.t,
          dtype: 'float64',
          hex: hexOf(result.field),
        })
        const steps = [0, 2, 4, 5]
        expect(pvd).toEqual(steps.map((s) => [s === 5 ? result.t : s * result.dt, `u_00000${s}.vti`]))
      }
    })

    it('reads a 3D image with its origin, spacing and special values', async () => {
      const image = { nx: 4, ny: 3, nz: 5, dx: 0.5, dy: 0.25, dz: 0.125, origin: [1, -2, 0.5] as const }
      const field = Float64Array.from({ length: 60 }, (_, k) => [-0, NaN, Infinity, 5e-324][k] ?? Math.cos(k) * k)
      const dir = tempDir()
      const files = (['raw', 'base64'] as const).map((encoding) => {
        const file = path.join(dir, `${encoding}.vti`)
        writeFileSync(file, formatVti(image, field, 1.5, encoding))
        return file
      })
      const read = await readWithVtk(files)
      for (const file of files) {
        expect(read[file]).toEqual({
          ...{ error: 0, dims: [4, 3, 5], origin: [1, -2, 0.5], spacing: [0.5, 0.25, 0.125], time: 1.5 },
          ...{ dtype: 'float64', hex: hexOf(field) },
        })
      }
    })
  })
} else {
  it("VTK's own reader", (context) => {
    process.stdout.write("skipped: VTK's Python reader is not installed (npm run setup:vtk installs it)\n")
    context.skip("skipped: VTK's Python reader is not installed")
  })
}
