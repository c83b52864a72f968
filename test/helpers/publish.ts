import { expect } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { signIn } from './auth'

/** A publication as POST /api/publications/drafts/:id/approve returns it. */
export interface Published {
  id: number
  createdAt: string
  resolution: number
  minResolution: number
  approvedBy: number
  approverName: string | null
  counts: { cells: Record<string, number>; regions: Record<string, number>; areas: Record<string, number> }
}

/** Drafts tried before giving up: another test file editing the shared database in between outdates a draft (409). */
const ATTEMPTS = 3

/**
 * Publishes the live levels the way the service requires, in two steps by two people: the test
 * planner prepares a draft, the test admin approves it. `app` may be signed in as anyone (the calls
 * carry their own session headers). A draft outdated by a concurrent edit is prepared again.
 */
export async function publishViaDraft(app: FastifyInstance, note: string): Promise<Published> {
  const [author, approver] = [await signIn(app, 'planner'), await signIn(app, 'admin')]
  for (let attempt = 1; ; attempt++) {
    const draft = await app.inject({ method: 'POST', url: '/api/publications/drafts', headers: author.headers, payload: { note } })
    expect(draft.statusCode, draft.body).toBe(201)
    const approved = await app.inject({ method: 'POST', url: `/api/publications/drafts/${draft.json().id}/approve`, headers: approver.headers, payload: {} })
    if (approved.statusCode === 409 && attempt < ATTEMPTS) continue
    expect(approved.statusCode, approved.body).toBe(201)
    return approved.json() as Published
  }
}
