import type { Lang } from '../i18n'

/** Texts of the API tokens page, per language. */
export interface TokenMessages {
  pageTitle: string
  intro: string
  /** How to use a token: text, and code (a header, addresses) shown as code, as written. */
  usage: (origin: string) => Array<string | { code: string }>
  formTitle: string
  name: string
  namePlaceholder: string
  readOnly: string
  expiresInDays: string
  expiresHint: string
  create: string
  creating: string
  secretTitle: string
  secretNote: string
  copy: string
  copied: string
  copyFailed: string
  dismiss: string
  listTitle: string
  allAccounts: string
  columns: { name: string; owner: string; prefix: string; scope: string; created: string; expires: string; lastUsed: string; state: string; actions: string }
  scopes: { read: string; write: string }
  never: string
  active: string
  expired: string
  revoked: (by: string) => string
  revoke: string
  confirmRevoke: (name: string) => string
  noTokens: string
  failed: (message: string) => string
}

export const TOKEN_MESSAGES: Readonly<Record<Lang, TokenMessages>> = {
  'zh-CN': {
    pageTitle: 'API 令牌',
    intro:
      '桌面 GIS（QGIS、GDAL）和脚本用个人 API 令牌访问本系统：令牌代表您本人，拥有您的角色和辖区权限，不会更多。令牌只在创建时显示一次，请妥善保存；不再使用时请撤销。',
    usage: (origin) => [
      '在请求头中发送 ',
      { code: 'Authorization: Bearer <令牌>' },
      '。OGC API 要素服务地址：',
      { code: `${origin}/ogc` },
      '；矢量瓦片：',
      { code: `${origin}/tiles/{图层}/{z}/{x}/{y}.mvt` },
      '。',
    ],
    formTitle: '创建令牌',
    name: '用途',
    namePlaceholder: '例如：我的笔记本上的 QGIS',
    readOnly: '只读（推荐；不勾选则令牌也可修改数据）',
    expiresInDays: '有效天数',
    expiresHint: '留空：撤销前一直有效；最多 366 天',
    create: '创建',
    creating: '正在创建…',
    secretTitle: '新令牌',
    secretNote: '只显示这一次，请立即复制保存。',
    copy: '复制',
    copied: '已复制',
    copyFailed: '无法访问剪贴板：已选中文本，请手动复制',
    dismiss: '关闭',
    listTitle: '我的令牌',
    allAccounts: '显示所有账户的令牌（管理员）',
    columns: {
      name: '用途',
      owner: '账户',
      prefix: '前缀',
      scope: '权限',
      created: '创建时间',
      expires: '到期',
      lastUsed: '最近使用',
      state: '状态',
      actions: '操作',
    },
    scopes: { read: '只读', write: '读写' },
    never: '—',
    active: '有效',
    expired: '已过期',
    revoked: (by) => `已撤销（${by}）`,
    revoke: '撤销',
    confirmRevoke: (name) => `撤销令牌“${name}”？使用它的程序将立即无法访问。`,
    noTokens: '还没有令牌。',
    failed: (message) => `操作失败：${message}`,
  },
  en: {
    pageTitle: 'API tokens',
    intro:
      'Desktop GIS (QGIS, GDAL) and scripts reach this service with a personal API token: it acts as you, with your role and jurisdiction, never more. A token is shown once, when it is created: store it safely, and revoke it when it is no longer used.',
    usage: (origin) => [
      'Send it as the header ',
      { code: 'Authorization: Bearer <token>' },
      '. OGC API – Features: ',
      { code: `${origin}/ogc` },
      '; vector tiles: ',
      { code: `${origin}/tiles/{layer}/{z}/{x}/{y}.mvt` },
      '.',
    ],
    formTitle: 'Create a token',
    name: 'What it is for',
    namePlaceholder: 'e.g. QGIS on my laptop',
    readOnly: 'Read-only (recommended; unticked, the token may also change data)',
    expiresInDays: 'Valid for (days)',
    expiresHint: 'Empty: until revoked; at most 366 days',
    create: 'Create',
    creating: 'Creating…',
    secretTitle: 'New token',
    secretNote: 'Shown this once only: copy it now.',
    copy: 'Copy',
    copied: 'Copied',
    copyFailed: 'No clipboard access: the text is selected, copy it by hand',
    dismiss: 'Close',
    listTitle: 'My tokens',
    allAccounts: 'Show every account’s tokens (admin)',
    columns: {
      name: 'For',
      owner: 'Account',
      prefix: 'Prefix',
      scope: 'Scope',
      created: 'Created',
      expires: 'Expires',
      lastUsed: 'Last used',
      state: 'State',
      actions: 'Actions',
    },
    scopes: { read: 'read-only', write: 'read and write' },
    never: '—',
    active: 'active',
    expired: 'expired',
    revoked: (by) => `revoked (${by})`,
    revoke: 'Revoke',
    confirmRevoke: (name) => `Revoke the token “${name}”? Programs using it lose access at once.`,
    noTokens: 'No tokens yet.',
    failed: (message) => `Failed: ${message}`,
  },
}
