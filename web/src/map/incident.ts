import type { GeoJSONSource, LayerSpecification, Map as MaplibreMap } from 'maplibre-gl'
import type { Feature, FeatureCollection } from 'geojson'
import { geodesicCircle } from '../incident/geodesic'
import { INCIDENT_COLORS } from './levels'

// The commander view on the map: the incident marker, each proposed resource's route over the
// roads (or, off the road network, a straight line from the incident, dashed), a circle on each
// resource, and distance rings. One GeoJSON source; the features say what they are in their `role`
// property. The isochrones of the first resource, on demand, have their own source below them.
// Drawn above the overlays and the highlight.

export const INCIDENT_SOURCE = 'incident'
export const ISOCHRONE_SOURCE = 'incident-isochrones'

export const INCIDENT_LAYERS = {
  isochrones: 'incident-isochrones',
  isochroneLines: 'incident-isochrone-lines',
  rings: 'incident-rings',
  routes: 'incident-routes',
  lines: 'incident-lines',
  resources: 'incident-resources',
  point: 'incident-point',
} as const

/** Radii of the distance rings, metres. */
export const RING_RADII_M = [1000, 3000, 5000] as const

/** A resource the map joins to the incident: by its route when ranked by time, else a straight line. */
export interface IncidentTarget {
  id: number
  lon: number
  lat: number
  route?: { type: 'LineString' | 'MultiLineString'; coordinates: unknown } | null
  etaS?: number
}

/** Isochrone fill colour and opacity by minutes (the nearer, the stronger). */
const ISOCHRONE_COLOR = '#2f6fd6'

function layers(): LayerSpecification[] {
  return [
    {
      id: INCIDENT_LAYERS.isochrones,
      type: 'fill',
      source: ISOCHRONE_SOURCE,
      paint: { 'fill-color': ISOCHRONE_COLOR, 'fill-opacity': ['interpolate', ['linear'], ['get', 'minutes'], 5, 0.28, 15, 0.1] },
    },
    {
      id: INCIDENT_LAYERS.isochroneLines,
      type: 'line',
      source: ISOCHRONE_SOURCE,
      paint: { 'line-color': ISOCHRONE_COLOR, 'line-width': 1.2 },
    },
    {
      id: INCIDENT_LAYERS.rings,
      type: 'line',
      source: INCIDENT_SOURCE,
      filter: ['==', ['get', 'role'], 'ring'],
      paint: { 'line-color': INCIDENT_COLORS.ring, 'line-width': 1.5, 'line-dasharray': [3, 2], 'line-opacity': 0.8 },
    },
    {
      id: INCIDENT_LAYERS.lines,
      type: 'line',
      source: INCIDENT_SOURCE,
      filter: ['==', ['get', 'role'], 'line'],
      layout: { 'line-cap': 'round' },
      paint: { 'line-color': INCIDENT_COLORS.line, 'line-width': 2.5, 'line-dasharray': [2, 1.5] },
    },
    {
      id: INCIDENT_LAYERS.routes,
      type: 'line',
      source: INCIDENT_SOURCE,
      filter: ['==', ['get', 'role'], 'route'],
      layout: { 'line-cap': 'round', 'line-join': 'round' },
      paint: { 'line-color': INCIDENT_COLORS.line, 'line-width': 4, 'line-opacity': 0.85 },
    },
    {
      id: INCIDENT_LAYERS.resources,
      type: 'circle',
      source: INCIDENT_SOURCE,
      filter: ['==', ['get', 'role'], 'resource'],
      paint: {
        'circle-color': INCIDENT_COLORS.resource,
        'circle-radius': 6,
        'circle-stroke-color': INCIDENT_COLORS.halo,
        'circle-stroke-width': 2,
      },
    },
    {
      id: INCIDENT_LAYERS.point,
      type: 'circle',
      source: INCIDENT_SOURCE,
      filter: ['==', ['get', 'role'], 'incident'],
      paint: {
        'circle-color': INCIDENT_COLORS.incident,
        'circle-radius': 8,
        'circle-stroke-color': INCIDENT_COLORS.incidentOutline,
        'circle-stroke-width': 3,
      },
    },
  ]
}

/** Adds the (empty) incident source and layers on top; call after the overlays and the highlight. */
export function addIncidentLayers(map: MaplibreMap): void {
  if (!map.getSource(ISOCHRONE_SOURCE)) map.addSource(ISOCHRONE_SOURCE, { type: 'geojson', data: { type: 'FeatureCollection', features: [] } })
  if (!map.getSource(INCIDENT_SOURCE)) map.addSource(INCIDENT_SOURCE, { type: 'geojson', data: { type: 'FeatureCollection', features: [] } })
  for (const layer of layers()) {
    if (!map.getLayer(layer.id)) map.addLayer(layer)
  }
}

/** The features of an incident and the resources joined to it. */
export function incidentFeatures(incident: [number, number] | null, targets: readonly IncidentTarget[]): FeatureCollection {
  if (!incident) return { type: 'FeatureCollection', features: [] }
  const features: Feature[] = RING_RADII_M.map((radiusM) => ({
    type: 'Feature',
    geometry: geodesicCircle(incident, radiusM),
    properties: { role: 'ring', radiusM },
  }))
  for (const t of targets) {
    if (t.route) features.push({ type: 'Feature', geometry: t.route as Feature['geometry'], properties: { role: 'route', id: t.id, etaS: t.etaS ?? null } })
    else features.push({ type: 'Feature', geometry: { type: 'LineString', coordinates: [incident, [t.lon, t.lat]] }, properties: { role: 'line', id: t.id } })
    features.push({ type: 'Feature', geometry: { type: 'Point', coordinates: [t.lon, t.lat] }, properties: { role: 'resource', id: t.id } })
  }
  features.push({ type: 'Feature', geometry: { type: 'Point', coordinates: incident }, properties: { role: 'incident' } })
  return { type: 'FeatureCollection', features }
}

/** Shows an incident and lines to its resources (null: clears the view). */
export function showIncident(map: MaplibreMap, incident: [number, number] | null, targets: readonly IncidentTarget[]): void {
  void map.getSource<GeoJSONSource>(INCIDENT_SOURCE)?.setData(incidentFeatures(incident, targets))
}

/** Shows the isochrones of a resource, largest first so the nearer ones draw on top (null: clears them). */
export function showIsochrones(map: MaplibreMap, isochrones: { features: Array<{ geometry: unknown; properties: { minutes: number } }> } | null): void {
  const features = (isochrones?.features ?? [])
    .filter((f) => f.geometry !== null)
    .sort((a, b) => b.properties.minutes - a.properties.minutes)
    .map((f) => ({ type: 'Feature' as const, geometry: f.geometry as Feature['geometry'], properties: { minutes: f.properties.minutes } }))
  void map.getSource<GeoJSONSource>(ISOCHRONE_SOURCE)?.setData({ type: 'FeatureCollection', features })
}
