import { getJson } from './client'

// The supervising departments (GET /api/departments, any staff account): one typed call for every
// page that names or picks a department (admin accounts, supervision plans, the report desk).

export type Specialty = 'fire' | 'special_equipment'

export interface Department {
  id: number
  name: string
  kind: 'industry' | 'specialist'
  divisionCode: string
  divisionName: string | null
  specialty: Specialty | null
  activeInspectors: number
  enterprises: number
}

export async function fetchDepartments(signal?: AbortSignal): Promise<Department[]> {
  return (await getJson<{ items: Department[] }>('/api/departments', {}, signal)).items
}
