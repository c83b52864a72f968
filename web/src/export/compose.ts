import { LABEL_FONT_FAMILY } from '../map/style'
import { STALE_HATCH } from '../map/levels'
import { HEADER_HEIGHT, NORTH_ARROW_RADIUS, PADDING, SWATCH_HEIGHT, SWATCH_LABEL_GAP, SWATCH_WIDTH, pictureLayout, type PictureLayout } from './layout'

/** One legend class: a swatch drawn like the map draws the class, and its name. */
export interface LegendItem {
  label: string
  fill: string
  stroke: string
  /** Diagonal stripes over the fill (the "data stale" class). */
  hatch?: boolean
  /**
   * How the swatch is drawn: a filled box (default), a point marker the map draws (`marker`, at
   * most the swatch's height, centred), a disc (`circle`, the enterprises) or a boundary line
   * (`line`: `stroke` over a `fill`-coloured halo).
   */
  shape?: 'box' | 'circle' | 'line'
  marker?: { image: CanvasImageSource; size: number }
}

/** Everything a picture shows; lengths in CSS pixels. */
export interface PictureContent {
  /** The map as drawn, `mapWidth·ratio` × `mapHeight·ratio` device pixels. */
  mapImage: CanvasImageSource
  mapWidth: number
  mapHeight: number
  ratio: number
  title: string
  /** The date and data version line under the title. */
  meta: string
  /** The demo-data label, or null for real data. */
  demoLabel: string | null
  legendTitle: string
  legend: LegendItem[]
  scale: { widthPx: number; label: string }
  north: { label: string; bearingDeg: number }
}

const INK = '#1f2a33'
const MUTED = '#55606b'
const DEMO = '#b45309'
const font = (px: number, weight = 400) => `${weight} ${px}px ${LABEL_FONT_FAMILY}`

/** Draws the picture: title band, the map with its scale bar and north arrow, and the legend. */
export function composePicture(content: PictureContent): HTMLCanvasElement {
  const measure = document.createElement('canvas').getContext('2d')!
  measure.font = font(13, 700)
  const entryWidths = [measure.measureText(content.legendTitle).width]
  measure.font = font(13)
  for (const item of content.legend) entryWidths.push(SWATCH_WIDTH + SWATCH_LABEL_GAP + measure.measureText(item.label).width)
  const layout = pictureLayout(content.mapWidth, content.mapHeight, entryWidths)

  const canvas = document.createElement('canvas')
  canvas.width = Math.round(layout.width * content.ratio)
  canvas.height = Math.round(layout.height * content.ratio)
  const ctx = canvas.getContext('2d')!
  ctx.scale(content.ratio, content.ratio)
  ctx.fillStyle = '#ffffff'
  ctx.fillRect(0, 0, layout.width, layout.height)
  ctx.textBaseline = 'middle'

  drawHeader(ctx, layout, content)
  ctx.drawImage(content.mapImage, layout.map.x, layout.map.y, layout.map.width, layout.map.height)
  ctx.strokeStyle = '#9aa4ad'
  ctx.lineWidth = 1
  ctx.strokeRect(layout.map.x + 0.5, layout.map.y + 0.5, layout.map.width - 1, layout.map.height - 1)
  drawScaleBar(ctx, layout, content.scale)
  drawNorthArrow(ctx, layout, content.north)
  drawLegend(ctx, layout, content)
  return canvas
}

function drawHeader(ctx: CanvasRenderingContext2D, layout: PictureLayout, content: PictureContent): void {
  ctx.textAlign = 'left'
  ctx.fillStyle = INK
  ctx.font = font(20, 700)
  ctx.fillText(content.title, PADDING, 24, layout.width - 2 * PADDING)
  ctx.font = font(12)
  ctx.fillStyle = MUTED
  ctx.fillText(content.meta, PADDING, HEADER_HEIGHT - 16)
  if (content.demoLabel) {
    const x = PADDING + ctx.measureText(content.meta).width + 12
    ctx.font = font(12, 700)
    ctx.fillStyle = DEMO
    ctx.fillText(content.demoLabel, x, HEADER_HEIGHT - 16)
  }
}

/** A bar with end ticks and its length, on a light box in the map's lower left corner. */
function drawScaleBar(ctx: CanvasRenderingContext2D, layout: PictureLayout, scale: PictureContent['scale']): void {
  ctx.font = font(11)
  const labelWidth = ctx.measureText(scale.label).width
  const boxWidth = Math.max(scale.widthPx, labelWidth) + 16
  const x = layout.map.x + PADDING
  const y = layout.map.y + layout.map.height - PADDING - 30
  ctx.fillStyle = 'rgba(255, 255, 255, 0.85)'
  ctx.fillRect(x, y, boxWidth, 30)
  const barX = x + 8
  const barY = y + 22
  ctx.strokeStyle = INK
  ctx.lineWidth = 2
  ctx.beginPath()
  ctx.moveTo(barX, barY - 5)
  ctx.lineTo(barX, barY)
  ctx.lineTo(barX + scale.widthPx, barY)
  ctx.lineTo(barX + scale.widthPx, barY - 5)
  ctx.stroke()
  ctx.fillStyle = INK
  ctx.textAlign = 'left'
  ctx.fillText(scale.label, barX, y + 9)
}

/** An arrow pointing to true north (turned with the map's bearing) on a disc in the map's upper right corner. */
function drawNorthArrow(ctx: CanvasRenderingContext2D, layout: PictureLayout, north: PictureContent['north']): void {
  const r = NORTH_ARROW_RADIUS
  const cx = layout.map.x + layout.map.width - PADDING - r
  const cy = layout.map.y + PADDING + r
  ctx.save()
  ctx.fillStyle = 'rgba(255, 255, 255, 0.9)'
  ctx.strokeStyle = '#9aa4ad'
  ctx.lineWidth = 1
  ctx.beginPath()
  ctx.arc(cx, cy, r, 0, 2 * Math.PI)
  ctx.fill()
  ctx.stroke()
  ctx.translate(cx, cy)
  // A map turned by `bearing` degrees clockwise has north that many degrees counter-clockwise.
  ctx.rotate((-north.bearingDeg * Math.PI) / 180)
  ctx.fillStyle = INK
  ctx.beginPath()
  ctx.moveTo(0, -r + 3)
  ctx.lineTo(6, 2)
  ctx.lineTo(0, -2)
  ctx.lineTo(-6, 2)
  ctx.closePath()
  ctx.fill()
  ctx.font = font(10, 700)
  ctx.textAlign = 'center'
  ctx.fillText(north.label, 0, 9)
  ctx.restore()
}

function drawLegend(ctx: CanvasRenderingContext2D, layout: PictureLayout, content: PictureContent): void {
  const rowMiddle = (y: number) => y + SWATCH_HEIGHT / 2 + 1
  const [titleAt, ...itemsAt] = layout.entries
  ctx.textAlign = 'left'
  ctx.fillStyle = INK
  ctx.font = font(13, 700)
  if (titleAt) ctx.fillText(content.legendTitle, titleAt.x, rowMiddle(titleAt.y))
  ctx.font = font(13)
  content.legend.forEach((item, i) => {
    const at = itemsAt[i]
    if (!at) return
    drawSwatch(ctx, at.x, at.y, item)
    ctx.fillStyle = INK
    ctx.fillText(item.label, at.x + SWATCH_WIDTH + SWATCH_LABEL_GAP, rowMiddle(at.y))
  })
}

function drawSwatch(ctx: CanvasRenderingContext2D, x: number, y: number, item: LegendItem): void {
  if (item.marker) {
    const side = Math.min(item.marker.size, SWATCH_HEIGHT + 4)
    ctx.drawImage(item.marker.image, x + (SWATCH_WIDTH - side) / 2, y + (SWATCH_HEIGHT - side) / 2, side, side)
    return
  }
  if (item.shape === 'circle') {
    ctx.save()
    ctx.beginPath()
    ctx.arc(x + SWATCH_WIDTH / 2, y + SWATCH_HEIGHT / 2, SWATCH_HEIGHT / 2 - 2, 0, 2 * Math.PI)
    ctx.fillStyle = item.fill
    ctx.fill()
    ctx.strokeStyle = item.stroke
    ctx.lineWidth = 1
    ctx.stroke()
    ctx.restore()
    return
  }
  if (item.shape === 'line') {
    ctx.save()
    ctx.lineCap = 'round'
    for (const [color, width] of [
      [item.fill, 5],
      [item.stroke, 2],
    ] as const) {
      ctx.beginPath()
      ctx.moveTo(x + 2, y + SWATCH_HEIGHT / 2)
      ctx.lineTo(x + SWATCH_WIDTH - 2, y + SWATCH_HEIGHT / 2)
      ctx.strokeStyle = color
      ctx.lineWidth = width
      ctx.stroke()
    }
    ctx.restore()
    return
  }
  ctx.save()
  ctx.fillStyle = item.fill
  ctx.fillRect(x, y, SWATCH_WIDTH, SWATCH_HEIGHT)
  if (item.hatch) {
    ctx.beginPath()
    ctx.rect(x, y, SWATCH_WIDTH, SWATCH_HEIGHT)
    ctx.clip()
    ctx.strokeStyle = STALE_HATCH.stripe
    ctx.globalAlpha = STALE_HATCH.stripeOpacity
    ctx.lineWidth = 1.5
    ctx.beginPath()
    for (let d = -SWATCH_HEIGHT; d < SWATCH_WIDTH; d += 5) {
      ctx.moveTo(x + d, y + SWATCH_HEIGHT)
      ctx.lineTo(x + d + SWATCH_HEIGHT, y)
    }
    ctx.stroke()
    ctx.globalAlpha = 1
  }
  ctx.strokeStyle = item.stroke
  ctx.lineWidth = 1.5
  ctx.strokeRect(x + 0.75, y + 0.75, SWATCH_WIDTH - 1.5, SWATCH_HEIGHT - 1.5)
  ctx.restore()
}
