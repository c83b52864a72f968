import type { FastifyInstance } from 'fastify'

/**
 * Files one public report per entry of `days` through the public API inside the first management
 * grid, and closes each through the staff API (the app's session must be allowed to triage), then
 * moves its filing time back so that it took that many days. Entries of null stay open, filed
 * `overdueBy` days past their deadline. Returns the reports' ids and departments.
 */
export async function handledReports(app: FastifyInstance, days: Array<number | null>): Promise<Array<{ id: number; departmentId: number | null }>> {
  const place = await app.db('mgmt_grid').orderBy('id').first(app.db.raw('ST_X(ST_PointOnSurface(geom)) AS lon, ST_Y(ST_PointOnSurface(geom)) AS lat'))
  const out: Array<{ id: number; departmentId: number | null }> = []
  for (const took of days) {
    const filed = await app.inject({
      method: 'POST',
      url: '/api/public/reports',
      payload: { location: { lon: Number(place.lon), lat: Number(place.lat) }, category: 'illegal_business', description: '图表测试：楼道堆放液化气瓶' },
    })
    if (filed.statusCode !== 201) throw new Error(filed.body)
    const row = await app
      .db('public_report')
      .where({ tracking_code: (filed.json() as { trackingCode: string }).trackingCode })
      .first('id', 'department_id')
    const id = Number(row.id)
    if (took === null) {
      await app
        .db('public_report')
        .where({ id })
        .update({ created_at: app.db.raw(`now() - interval '40 days'`), deadline_at: app.db.raw(`now() - interval '10 days'`) })
    } else {
      for (const step of [{ status: 'triaged' }, { status: 'closed', resolution: '已现场核查并责令清理。' }]) {
        const res = await app.inject({ method: 'PATCH', url: `/api/reports/${id}`, payload: step })
        if (res.statusCode !== 200) throw new Error(res.body)
      }
      await app
        .db('public_report')
        .where({ id })
        .update({ created_at: app.db.raw(`closed_at - make_interval(secs => ?)`, [took * 86_400]) })
    }
    out.push({ id, departmentId: row.department_id === null ? null : Number(row.department_id) })
  }
  return out
}
