import { describe, expect, it } from 'vitest'
import { loadConfig } from '../config'
import { classSpeeds, osmDirection, parseClassSpeeds, splitAtJunctions, type ClassSpeedOverrides } from './roads'

describe('splitAtJunctions', () => {
  it.each([
    {
      name: 'a crossing at a shared inner vertex splits both lines',
      lines: [
        [
          [0, 0],
          [1, 0],
          [2, 0],
        ],
        [
          [1, -1],
          [1, 0],
          [1, 1],
        ],
      ],
      pieces: [
        [
          [
            [0, 0],
            [1, 0],
          ],
          [
            [1, 0],
            [2, 0],
          ],
        ],
        [
          [
            [1, -1],
            [1, 0],
          ],
          [
            [1, 0],
            [1, 1],
          ],
        ],
      ],
    },
    {
      name: "a line ending on another line's inner vertex (a T junction) splits the other",
      lines: [
        [
          [0, 0],
          [1, 0],
          [2, 0],
        ],
        [
          [1, 0],
          [1, 1],
        ],
      ],
      pieces: [
        [
          [
            [0, 0],
            [1, 0],
          ],
          [
            [1, 0],
            [2, 0],
          ],
        ],
        [
          [
            [1, 0],
            [1, 1],
          ],
        ],
      ],
    },
    {
      name: 'lines crossing between vertices (a bridge) stay apart',
      lines: [
        [
          [0, 0],
          [2, 0],
        ],
        [
          [1, -1],
          [1, 1],
        ],
      ],
      pieces: [
        [
          [
            [0, 0],
            [2, 0],
          ],
        ],
        [
          [
            [1, -1],
            [1, 1],
          ],
        ],
      ],
    },
    {
      name: 'a loop through its own vertex splits there; repeated vertices go',
      lines: [
        [
          [0, 0],
          [1, 0],
          [1, 0],
          [1, 1],
          [0, 1],
          [1, 0],
          [2, 0],
        ],
      ],
      pieces: [
        [
          [
            [0, 0],
            [1, 0],
          ],
          [
            [1, 0],
            [1, 1],
            [0, 1],
            [1, 0],
          ],
          [
            [1, 0],
            [2, 0],
          ],
        ],
      ],
    },
    {
      name: 'vertices 1 mm apart join (1e-7° keys); a line of one distinct vertex vanishes',
      lines: [
        [
          [0, 0],
          [1, 0],
          [2, 0],
        ],
        [
          [1.00000001, 1],
          [1.00000001, 0],
        ],
        [
          [5, 5],
          [5, 5],
        ],
      ],
      pieces: [
        [
          [
            [0, 0],
            [1, 0],
          ],
          [
            [1, 0],
            [2, 0],
          ],
        ],
        [
          [
            [1.00000001, 1],
            [1.00000001, 0],
          ],
        ],
        [],
      ],
    },
  ])('$name', ({ lines, pieces }) => {
    expect(splitAtJunctions(lines as Array<Array<[number, number]>>)).toEqual(pieces)
  })
})

describe('osmDirection', () => {
  it.each([
    [{ highway: 'primary' }, 'both'],
    [{ highway: 'primary', oneway: 'yes' }, 'forward'],
    [{ highway: 'primary', oneway: '-1' }, 'backward'],
    [{ highway: 'motorway' }, 'forward'],
    [{ highway: 'motorway', oneway: 'no' }, 'both'],
    [{ highway: 'secondary', junction: 'roundabout' }, 'forward'],
    [{ highway: 'residential', oneway: 'reversible' }, 'both'],
  ] as const)('%o → %s', (tags, direction) => {
    expect(osmDirection(tags)).toBe(direction)
  })
})

describe('ROAD_CLASS_SPEEDS', () => {
  it('parses class=speed[:factor] entries and merges them over the defaults', () => {
    const parsed = parseClassSpeeds('residential=25, primary=50:1.3,service=:0.8')
    expect(parsed).toEqual({ residential: { defaultSpeedKmh: 25 }, primary: { defaultSpeedKmh: 50, emergencyFactor: 1.3 }, service: { emergencyFactor: 0.8 } })
    const speeds = classSpeeds(parsed as ClassSpeedOverrides)
    expect(speeds.residential).toEqual({ defaultSpeedKmh: 25, emergencyFactor: 1.2 })
    expect(speeds.service).toEqual({ defaultSpeedKmh: 20, emergencyFactor: 0.8 })
    expect(speeds.trunk).toEqual({ defaultSpeedKmh: 80, emergencyFactor: 1.0 })
    expect(parseClassSpeeds('')).toEqual({})
  })

  it.each([
    ['footway=5', /unknown road class "footway"/],
    ['primary=0', /speed must be 1–150/],
    ['primary=200', /speed must be 1–150/],
    ['primary=50:4', /factor must be above 0 and at most 3/],
    ['primary', /is not class=speed/],
    ['primary=', /give a speed, a factor or both/],
  ])('refuses %s', (text, message) => {
    expect(parseClassSpeeds(text)).toMatch(message)
    expect(() => loadConfig({ ROAD_CLASS_SPEEDS: text })).toThrow(/ROAD_CLASS_SPEEDS/)
  })
})
