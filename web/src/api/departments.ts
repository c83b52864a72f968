import { getJson } from './client'
import type { Department, DepartmentList } from './contract'

// The supervising departments (GET /api/departments, any staff account): one typed call for every
// page that names or picks a department (admin accounts, supervision plans, the report desk). The
// types are the server's (server/modules/supervision/schemas.ts).

export type { Department, Specialty } from './contract'

export async function fetchDepartments(signal?: AbortSignal): Promise<Department[]> {
  return (await getJson<DepartmentList>('/api/departments', {}, signal)).items
}
