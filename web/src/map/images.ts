import type { Map as MaplibreMap } from 'maplibre-gl'
import type { Level } from '../api/contract'
import { LEVEL_COLORS, LEVEL_OUTLINE_COLOR, MARKER_COLORS, STALE_HATCH } from './levels'

// Every image the map draws, made on a canvas in the page: the hatch over stale cells and the
// markers of the point layers. The style therefore needs no sprite, and the page requests none.
// Images are drawn at twice their CSS size (pixelRatio 2) so they stay crisp on high-density screens.

/** Device pixels per CSS pixel the images are drawn at. */
const IMAGE_PIXEL_RATIO = 2

/** Image names the layers refer to (`fill-pattern`, `icon-image`). */
export const IMAGE_NAMES = {
  staleHatch: 'stale-hatch',
  resourceAvailable: 'resource-available',
  resourceUnavailable: 'resource-unavailable',
  overdue: 'overdue',
} as const

/** The major hazard marker of a level: `major-hazard-4` … `major-hazard-0`. */
export function majorHazardImage(level: Level): string {
  return `major-hazard-${level}`
}

/** Draws on a context whose unit is one CSS pixel; `size` is the image's CSS size. */
type Painter = (context: CanvasRenderingContext2D, size: number) => void

interface ImageSpec {
  /** CSS pixels, square. */
  size: number
  paint: Painter
}

/**
 * Stale hatch: thin diagonal stripes, period 8 CSS pixels. The stripes are drawn three times, one
 * period apart, so that the pattern tiles without seams.
 */
const paintHatch: Painter = (context, size) => {
  context.strokeStyle = STALE_HATCH.stripe
  context.globalAlpha = STALE_HATCH.stripeOpacity
  context.lineWidth = 1.6
  context.lineCap = 'square'
  for (const offset of [-size, 0, size]) {
    context.beginPath()
    context.moveTo(offset, size)
    context.lineTo(offset + size, 0)
    context.stroke()
  }
}

/** A triangle (the warning sign's shape) in the level colour with a dark edge. */
function paintMajorHazard(level: Level): Painter {
  return (context, size) => {
    const m = 1.5
    context.beginPath()
    context.moveTo(size / 2, m)
    context.lineTo(size - m, size - m - 1)
    context.lineTo(m, size - m - 1)
    context.closePath()
    context.fillStyle = LEVEL_COLORS[level]
    context.fill()
    context.lineJoin = 'round'
    context.lineWidth = 1.5
    context.strokeStyle = LEVEL_OUTLINE_COLOR
    context.stroke()
    // An exclamation mark, as on the GB 2894 warning sign, drawn as shapes (no font needed).
    context.fillStyle = level === 4 || level === 1 ? '#ffffff' : LEVEL_OUTLINE_COLOR
    context.fillRect(size / 2 - 0.9, size * 0.36, 1.8, size * 0.28)
    context.beginPath()
    context.arc(size / 2, size * 0.74, 1.05, 0, 2 * Math.PI)
    context.fill()
  }
}

/** A rounded green square with a white cross: the emergency sign. */
function paintResource(background: string): Painter {
  return (context, size) => {
    const m = 1
    const r = 3
    context.beginPath()
    context.roundRect(m, m, size - 2 * m, size - 2 * m, r)
    context.fillStyle = background
    context.fill()
    context.lineWidth = 1
    context.strokeStyle = MARKER_COLORS.outline
    context.stroke()
    context.fillStyle = MARKER_COLORS.resourceSymbol
    const arm = size * 0.18
    context.fillRect(size / 2 - arm / 2, size * 0.24, arm, size * 0.52)
    context.fillRect(size * 0.24, size / 2 - arm / 2, size * 0.52, arm)
  }
}

/** A purple disc with a white exclamation mark: a rectification past its deadline. */
const paintOverdue: Painter = (context, size) => {
  context.beginPath()
  context.arc(size / 2, size / 2, size / 2 - 1, 0, 2 * Math.PI)
  context.fillStyle = MARKER_COLORS.overdue
  context.fill()
  context.lineWidth = 1.2
  context.strokeStyle = MARKER_COLORS.halo
  context.stroke()
  context.fillStyle = MARKER_COLORS.overdueSymbol
  context.fillRect(size / 2 - 1.1, size * 0.22, 2.2, size * 0.38)
  context.beginPath()
  context.arc(size / 2, size * 0.74, 1.3, 0, 2 * Math.PI)
  context.fill()
}

/** Every image by name. */
function imageSpecs(): Record<string, ImageSpec> {
  const specs: Record<string, ImageSpec> = {
    [IMAGE_NAMES.staleHatch]: { size: 8, paint: paintHatch },
    [IMAGE_NAMES.resourceAvailable]: { size: 16, paint: paintResource(MARKER_COLORS.resource) },
    [IMAGE_NAMES.resourceUnavailable]: { size: 16, paint: paintResource(MARKER_COLORS.resourceUnavailable) },
    [IMAGE_NAMES.overdue]: { size: 16, paint: paintOverdue },
  }
  for (const level of [0, 1, 2, 3, 4] as const) specs[majorHazardImage(level)] = { size: 18, paint: paintMajorHazard(level) }
  return specs
}

/** A canvas with the image drawn on it at `ratio` device pixels per CSS pixel. */
function drawImage(spec: ImageSpec, ratio: number, background?: string): HTMLCanvasElement {
  const canvas = document.createElement('canvas')
  canvas.width = Math.round(spec.size * ratio)
  canvas.height = Math.round(spec.size * ratio)
  const context = canvas.getContext('2d')
  if (!context) throw new Error('The browser gives no 2D canvas context to draw the map images')
  context.scale(ratio, ratio)
  if (background) {
    context.fillStyle = background
    context.fillRect(0, 0, spec.size, spec.size)
  }
  spec.paint(context, spec.size)
  return canvas
}

/** Adds every image to the map's style (again after a style change); existing ones are kept. */
export function addMapImages(map: MaplibreMap): void {
  for (const [name, spec] of Object.entries(imageSpecs())) {
    if (map.hasImage(name)) continue
    const canvas = drawImage(spec, IMAGE_PIXEL_RATIO)
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height)
    map.addImage(name, data, { pixelRatio: IMAGE_PIXEL_RATIO })
  }
}

/** A canvas with an image drawn at twice its CSS size, for pictures drawn outside the map (the PNG export's legend). */
export function imageCanvas(name: string): { canvas: HTMLCanvasElement; size: number } {
  const spec = imageSpecs()[name]
  if (!spec) throw new Error(`No map image "${name}"`)
  return { canvas: drawImage(spec, IMAGE_PIXEL_RATIO), size: spec.size }
}

const dataUrls = new Map<string, string>()

/**
 * A `data:` URL of an image for the legend (drawn locally, never fetched), optionally over a
 * background colour (the hatch is transparent between its stripes). Drawn once per page.
 */
export function imageDataUrl(name: string, background?: string): string {
  const key = `${name} ${background ?? ''}`
  let url = dataUrls.get(key)
  if (url === undefined) {
    const spec = imageSpecs()[name]
    if (!spec) throw new Error(`No map image "${name}"`)
    url = drawImage(spec, IMAGE_PIXEL_RATIO, background).toDataURL('image/png')
    dataUrls.set(key, url)
  }
  return url
}
