/**
 * The error messages of the API in Chinese, keyed by the stable error code (server/domain/errors.ts).
 * The English message is the one the code throws, which names the record, state or limit; a client
 * that asks for Chinese (`Accept-Language: zh-CN`, which the web app sends in its zh-CN mode) gets
 * the Chinese sentence of the code instead, followed by the fields the details name, so that a page
 * shows one language (docs/architecture.md §9, errors). No Fastify here: the one error handler in
 * app.ts applies it.
 */

/** The languages the API answers errors in. */
export type ErrorLanguage = 'zh-CN' | 'en'

/** The Chinese sentence of every error code the service sends. */
export const ERROR_MESSAGES_ZH: Readonly<Record<string, string>> = {
  invalid_input: '输入有误',
  bad_request: '请求无效',
  not_found: '未找到该记录',
  conflict: '与记录的当前状态冲突，未执行',
  unavailable: '数据库暂时不可用或响应过慢，请稍后重试',
  internal: '服务器内部错误',
  payload_too_large: '上传内容过大',
  unsupported_media_type: '不支持的内容类型',
  unauthenticated: '请先登录（或使用 API 令牌）：此操作需要工作人员账号',
  session_required: '此操作需要登录会话，不能使用 API 令牌',
  forbidden: '当前角色无权执行此操作',
  out_of_jurisdiction: '该记录不在您的管辖范围内',
  csrf: '安全校验失败（CSRF 令牌缺失或不符），请刷新页面后重试',
  token_read_only: '此 API 令牌为只读，不能修改数据',
  invalid_token: 'API 令牌无效',
  token_revoked: 'API 令牌已被撤销',
  token_expired: 'API 令牌已过期',
  account_disabled: '账号已停用',
  bad_credentials: '用户名或密码错误',
  too_many_attempts: '登录尝试次数过多，请稍后再试',
  rate_limited: '提交过于频繁，请稍后再试',
  own_draft: '不能审批自己编制的草案，须由另一位规划人员或管理员审批',
  separation_of_duties: '职责分离：上报或登记整改的人员不能同时核验，须由另一位人员办理',
  not_own_report: '只能操作自己提交的报告',
  invalid_file: '文件无法读取',
  import_rejected: '导入被拒绝：文件中有错误的行，未写入任何数据',
  no_mgmt_grid: '该账号未分配管理网格',
  no_road_network: '尚未导入路网，无法计算行车时间',
  outside_network: '地点距离路网过远',
  routing_unavailable: '路径计算暂不可用',
  too_many_resources: '具备该能力的可用资源过多，无法合并等时圈，请按单个资源查询',
}

/** Chinese text for a JSON Schema (ajv) validation keyword; the field is named beside it. */
const VALIDATION_ZH: Readonly<Record<string, (params: Record<string, unknown>) => string>> = {
  required: () => '必填',
  type: (p) => `类型应为 ${String(p.type)}`,
  minimum: (p) => `不能小于 ${String(p.limit)}`,
  maximum: (p) => `不能大于 ${String(p.limit)}`,
  exclusiveMinimum: (p) => `须大于 ${String(p.limit)}`,
  exclusiveMaximum: (p) => `须小于 ${String(p.limit)}`,
  minLength: (p) => `至少 ${String(p.limit)} 个字符`,
  maxLength: (p) => `最多 ${String(p.limit)} 个字符`,
  minItems: (p) => `至少 ${String(p.limit)} 项`,
  maxItems: (p) => `最多 ${String(p.limit)} 项`,
  pattern: () => '格式不正确',
  format: () => '格式不正确',
  enum: (p) => `须为以下之一：${(p.allowedValues as unknown[] | undefined)?.map(String).join('、') ?? ''}`,
  const: () => '取值不正确',
  additionalProperties: () => '未知的参数',
}

/**
 * The language an `Accept-Language` header asks for: Chinese when its most preferred tag is a
 * Chinese one, English otherwise (and without the header: API clients and scripts read English).
 */
export function errorLanguage(acceptLanguage: string | undefined): ErrorLanguage {
  if (!acceptLanguage) return 'en'
  let best: { tag: string; q: number } | null = null
  for (const part of acceptLanguage.split(',')) {
    const [tag = '', ...params] = part.trim().split(';')
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='))
    const q = qParam ? Number(qParam.slice(2)) : 1
    if (!tag || !Number.isFinite(q) || q <= 0) continue
    if (!best || q > best.q) best = { tag: tag.toLowerCase(), q }
  }
  return best && (best.tag === 'zh' || best.tag.startsWith('zh-')) ? 'zh-CN' : 'en'
}

/** A detail of an error: the field it names and what is wrong with it. */
interface Detail {
  field?: string
  message: string
  [extra: string]: unknown
}

/**
 * The message of an error in `lang`. English keeps the thrown message; Chinese gives the code's
 * sentence and the fields the details name (`输入有误：name、lon`). An unknown code keeps the
 * thrown message, so a new code shows up in English until it is added here (a unit test lists them).
 */
export function localizedMessage(lang: ErrorLanguage, code: string, message: string, details: readonly Detail[]): string {
  if (lang === 'en') return message
  const sentence = ERROR_MESSAGES_ZH[code]
  if (!sentence) return message
  const fields = [...new Set(details.map((d) => d.field).filter((f): f is string => typeof f === 'string' && f !== '' && f !== 'authorization'))]
  return fields.length ? `${sentence}：${fields.join('、')}` : sentence
}

/** A validation detail's message in `lang`, from the ajv keyword and its params; else `message`. */
export function validationMessage(lang: ErrorLanguage, keyword: string, params: Record<string, unknown>, message: string): string {
  if (lang === 'en') return message
  return VALIDATION_ZH[keyword]?.(params) ?? '取值不正确'
}
