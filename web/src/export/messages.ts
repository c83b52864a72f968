import type { Lang } from '../i18n'

/** Texts of the map export (the PNG control and the picture it draws), per language. */
export interface ExportMessages {
  /** The control's group label. */
  controlLabel: string
  /** Button texts and tooltips, per pixel ratio. */
  button: (ratio: number) => string
  buttonTitle: (ratio: number) => string
  exporting: string
  failed: string
  /** The map's name, the title of every picture. */
  mapName: string
  /** The picture's title: the place in view (or none) and the map's name. */
  title: (place: string | null) => string
  date: (date: string) => string
  dataVersion: (version: number | null) => string
  /** Printed on pictures of demo data (both languages on purpose: a picture travels). */
  demoData: string
  legendTitle: string
  /** The letter on the north arrow. */
  north: string
}

const zhCN: ExportMessages = {
  controlLabel: '导出地图',
  button: (ratio) => (ratio === 1 ? 'PNG' : `${ratio}×`),
  buttonTitle: (ratio) => (ratio === 1 ? '导出当前地图为 PNG 图片（含图例、比例尺、指北针）' : `导出 ${ratio} 倍分辨率的 PNG 图片（适合打印）`),
  exporting: '正在导出地图…',
  failed: '地图导出失败，请重试',
  mapName: '区域安全风险分布图',
  title: (place) => (place ? `${place}区域安全风险分布图` : '区域安全风险分布图'),
  date: (date) => `制图日期：${date}`,
  dataVersion: (version) => `数据版本：${version ?? '未知'}`,
  demoData: '示例数据 / demo data',
  legendTitle: '图例',
  north: '北',
}

const en: ExportMessages = {
  controlLabel: 'Export the map',
  button: (ratio) => (ratio === 1 ? 'PNG' : `${ratio}×`),
  buttonTitle: (ratio) =>
    ratio === 1 ? 'Download the map as a PNG picture (legend, scale bar, north arrow)' : `Download a ${ratio}× resolution PNG picture (for print)`,
  exporting: 'Exporting the map…',
  failed: 'The map could not be exported; try again',
  mapName: 'Regional safety-risk map',
  title: (place) => (place ? `Regional safety-risk map: ${place}` : 'Regional safety-risk map'),
  date: (date) => `Date: ${date}`,
  dataVersion: (version) => `Data version: ${version ?? 'unknown'}`,
  demoData: '示例数据 / demo data',
  legendTitle: 'Legend',
  north: 'N',
}

export const EXPORT_MESSAGES: Readonly<Record<Lang, ExportMessages>> = { 'zh-CN': zhCN, en }
