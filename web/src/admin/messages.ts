import type { Lang } from '../i18n'
import type { Role } from './api'

/** Texts of the admin page (staff accounts and the audit log), per language. */
export interface AdminMessages {
  pageTitle: string
  loading: string
  /** Shown instead of the tables to a signed-in user who is not an admin. */
  adminsOnly: string
  /** A failed load: what failed and the server's message. */
  loadFailed: (what: string, message: string) => string
  yes: string
  no: string
  none: string
  roles: Record<Role, string>

  users: {
    title: string
    listTitle: string
    /** The list, as loadFailed names it. */
    listName: string
    columns: {
      username: string
      displayName: string
      role: string
      departmentId: string
      divisionPrefix: string
      mgmtGridId: string
      disabled: string
      createdAt: string
      actions: string
    }
    noUsers: string
    you: string
    formTitle: string
    username: string
    usernameHint: string
    displayName: string
    role: string
    department: string
    chooseDepartment: string
    divisionPrefix: string
    divisionPrefixHint: string
    mgmtGridId: string
    mgmtGridIdHint: string
    password: string
    passwordHint: string
    create: string
    creating: string
    created: (username: string) => string
    /** An error the server did not tie to a field of the form. */
    formError: (message: string) => string
    /** The box with a generated password, shown once. */
    generatedTitle: (username: string) => string
    generatedNote: string
    copy: string
    copied: string
    copyFailed: string
    dismiss: string
    disable: string
    enable: string
    resetPassword: string
    signOutEverywhere: string
    newPassword: string
    newPasswordHint: string
    save: string
    cancel: string
    disabledDone: (username: string) => string
    enabledDone: (username: string) => string
    passwordDone: (username: string) => string
    signedOutDone: (username: string) => string
    actionFailed: (message: string) => string
  }

  audit: {
    title: string
    listName: string
    entity: string
    entityId: string
    username: string
    action: string
    from: string
    to: string
    any: string
    apply: string
    reset: string
    columns: { at: string; username: string; action: string; entity: string; entityId: string; changes: string }
    /** A write by the system (CLI, demo load) or a public request: no username. */
    system: string
    noEntries: string
    changes: (count: number) => string
    noChanges: string
    previous: string
    next: string
    range: (from: number, to: number, total: number) => string
    /** Names of audited record kinds; an unknown one is shown as it is. */
    entities: Record<string, string>
    /** Names of audited actions; an unknown one is shown as it is. */
    actions: Record<string, string>
  }
}

const zhCN: AdminMessages = {
  pageTitle: '用户与审计',
  loading: '加载中…',
  adminsOnly: '本页仅管理员可用。如需新建账号或查看审计日志，请联系系统管理员。',
  loadFailed: (what, message) => `${what}加载失败：${message}`,
  yes: '是',
  no: '否',
  none: '—',
  roles: { admin: '管理员', planner: '规划人员', commander: '应急指挥', inspector: '执法检查员', grid_worker: '网格员' },

  users: {
    title: '用户账号',
    listTitle: '全部账号',
    listName: '用户列表',
    columns: {
      username: '用户名',
      displayName: '姓名',
      role: '角色',
      departmentId: '部门编号',
      divisionPrefix: '辖区前缀',
      mgmtGridId: '网格编号',
      disabled: '已停用',
      createdAt: '创建时间',
      actions: '操作',
    },
    noUsers: '还没有账号。',
    you: '（本人）',
    formTitle: '新建账号',
    username: '用户名',
    usernameHint: '3–64 位字母、数字、_ . -',
    displayName: '姓名（可选）',
    role: '角色',
    department: '所属部门',
    chooseDepartment: '请选择部门',
    divisionPrefix: '辖区（行政区划代码前缀）',
    divisionPrefixHint: '如 210106 为铁西区；执法检查员只能查看辖区内的数据',
    mgmtGridId: '管理网格编号',
    mgmtGridIdHint: '网格员所在的管理网格',
    password: '初始密码（可选）',
    passwordHint: '至少 10 位；留空则自动生成，仅显示一次',
    create: '创建账号',
    creating: '正在创建…',
    created: (username) => `已创建账号 ${username}。`,
    formError: (message) => `未能创建账号：${message}`,
    generatedTitle: (username) => `账号 ${username} 的初始密码`,
    generatedNote: '此密码只显示这一次，关闭后无法再次查看。请复制后通过安全渠道交给本人。',
    copy: '复制',
    copied: '已复制',
    copyFailed: '无法自动复制，请手动选中复制',
    dismiss: '关闭',
    disable: '停用',
    enable: '启用',
    resetPassword: '重置密码',
    signOutEverywhere: '全部下线',
    newPassword: '新密码',
    newPasswordHint: '至少 10 位；保存后该账号的所有会话将结束',
    save: '保存',
    cancel: '取消',
    disabledDone: (username) => `已停用 ${username}，其会话已结束。`,
    enabledDone: (username) => `已启用 ${username}。`,
    passwordDone: (username) => `已重置 ${username} 的密码，其会话已结束。`,
    signedOutDone: (username) => `${username} 已在所有设备上退出登录。`,
    actionFailed: (message) => `操作失败：${message}`,
  },

  audit: {
    title: '审计日志',
    listName: '审计记录',
    entity: '对象类型',
    entityId: '对象编号',
    username: '操作人',
    action: '操作',
    from: '起始日期',
    to: '截止日期（含）',
    any: '全部',
    apply: '筛选',
    reset: '清除',
    columns: { at: '时间', username: '操作人', action: '操作', entity: '对象类型', entityId: '对象编号', changes: '变更' },
    system: '系统',
    noEntries: '没有符合条件的审计记录。',
    changes: (count) => `${count} 项变更`,
    noChanges: '无字段变化',
    previous: '上一页',
    next: '下一页',
    range: (from, to, total) => (total === 0 ? '无记录' : `第 ${from}–${to} 条，共 ${total} 条`),
    entities: {
      user: '用户账号',
      enterprise: '企业',
      major_hazard: '重大危险源',
      hidden_danger: '事故隐患',
      safety_risk: '安全风险',
      area_assessment: '区域评估',
      division: '行政区划',
      mgmt_grid: '管理网格',
      road_edge: '道路路段',
      resource: '应急资源',
      department: '监管部门',
      inspector: '执法人员',
      inspection: '执法检查',
      inspection_plan: '双随机抽查计划',
      violation: '违法行为',
      penalty: '行政处罚',
      credit_event: '信用事件',
      public_report: '群众举报',
      publication: '发布',
      enterprises: '企业（文件）',
      major_hazards: '重大危险源（文件）',
      safety_risks: '安全风险（文件）',
      hidden_dangers: '事故隐患（文件）',
      area_assessments: '区域评估（文件）',
      resources: '应急资源（文件）',
      divisions: '行政区划（文件）',
      mgmt_grids: '管理网格（文件）',
      roads: '路网（文件）',
      cells: '风险网格单元（文件）',
      publication_draft: '发布草案',
      scenario: '风险情景',
      api_token: 'API 令牌',
    },
    actions: {
      created: '新建',
      updated: '修改',
      deleted: '删除',
      imported: '导入',
      published: '发布',
      recorded: '录入结果',
      results_published: '公示结果',
      credit_status_changed: '信用状态变化',
      supervision_updated: '修改监管',
      tier_recomputed: '重算监管层级',
      inspection_task: '派发核查',
      approved: '批准',
      rejected: '驳回',
      revoked: '撤销',
      recomputed: '重新计算',
      exported: '导出',
      import_not_stored: '导入未入库',
      updated_by_import: '导入更新',
    },
  },
}

const en: AdminMessages = {
  pageTitle: 'Users and audit log',
  loading: 'Loading…',
  adminsOnly: 'This page is for admins only. Ask an administrator to create an account or to look at the audit log.',
  loadFailed: (what, message) => `Could not load ${what}: ${message}`,
  yes: 'Yes',
  no: 'No',
  none: '—',
  roles: { admin: 'Admin', planner: 'Planner', commander: 'Commander', inspector: 'Inspector', grid_worker: 'Grid worker' },

  users: {
    title: 'Staff accounts',
    listTitle: 'All accounts',
    listName: 'the accounts',
    columns: {
      username: 'Username',
      displayName: 'Name',
      role: 'Role',
      departmentId: 'Department',
      divisionPrefix: 'Jurisdiction',
      mgmtGridId: 'Grid',
      disabled: 'Disabled',
      createdAt: 'Created',
      actions: 'Actions',
    },
    noUsers: 'No accounts yet.',
    you: ' (you)',
    formTitle: 'New account',
    username: 'Username',
    usernameHint: '3–64 letters, digits, _ . -',
    displayName: 'Name (optional)',
    role: 'Role',
    department: 'Department',
    chooseDepartment: 'Choose a department',
    divisionPrefix: 'Jurisdiction (division code prefix)',
    divisionPrefixHint: 'e.g. 210106 for Tiexi; an inspector sees only data inside it',
    mgmtGridId: 'Management grid id',
    mgmtGridIdHint: 'The grid the grid worker works in',
    password: 'Initial password (optional)',
    passwordHint: 'At least 10 characters; left empty, one is generated and shown once',
    create: 'Create account',
    creating: 'Creating…',
    created: (username) => `Account ${username} created.`,
    formError: (message) => `The account was not created: ${message}`,
    generatedTitle: (username) => `Initial password of ${username}`,
    generatedNote: 'This password is shown only this once and cannot be seen again after closing. Copy it and hand it over securely.',
    copy: 'Copy',
    copied: 'Copied',
    copyFailed: 'Could not copy: select it and copy by hand',
    dismiss: 'Close',
    disable: 'Disable',
    enable: 'Enable',
    resetPassword: 'Reset password',
    signOutEverywhere: 'Sign out everywhere',
    newPassword: 'New password',
    newPasswordHint: "At least 10 characters; saving ends all of the account's sessions",
    save: 'Save',
    cancel: 'Cancel',
    disabledDone: (username) => `${username} disabled; their sessions ended.`,
    enabledDone: (username) => `${username} enabled.`,
    passwordDone: (username) => `Password of ${username} reset; their sessions ended.`,
    signedOutDone: (username) => `${username} signed out everywhere.`,
    actionFailed: (message) => `Failed: ${message}`,
  },

  audit: {
    title: 'Audit log',
    listName: 'the audit log',
    entity: 'Record kind',
    entityId: 'Record id',
    username: 'User',
    action: 'Action',
    from: 'From',
    to: 'To (inclusive)',
    any: 'Any',
    apply: 'Filter',
    reset: 'Clear',
    columns: { at: 'Time', username: 'User', action: 'Action', entity: 'Record kind', entityId: 'Record id', changes: 'Changes' },
    system: 'System',
    noEntries: 'No audit entry matches.',
    changes: (count) => `${count} change${count === 1 ? '' : 's'}`,
    noChanges: 'No field changed',
    previous: 'Previous',
    next: 'Next',
    range: (from, to, total) => (total === 0 ? 'None' : `${from}–${to} of ${total}`),
    entities: {
      user: 'Staff account',
      enterprise: 'Enterprise',
      major_hazard: 'Major hazard',
      hidden_danger: 'Hidden danger',
      safety_risk: 'Safety risk',
      area_assessment: 'Area assessment',
      division: 'Division unit',
      mgmt_grid: 'Management grid',
      road_edge: 'Road segment',
      resource: 'Emergency resource',
      department: 'Department',
      inspector: 'Inspector',
      inspection: 'Inspection',
      inspection_plan: 'Double-random plan',
      violation: 'Violation',
      penalty: 'Penalty',
      credit_event: 'Credit event',
      public_report: 'Public report',
      publication: 'Publication',
      enterprises: 'Enterprises (file)',
      major_hazards: 'Major hazards (file)',
      safety_risks: 'Safety risks (file)',
      hidden_dangers: 'Hidden dangers (file)',
      area_assessments: 'Area assessments (file)',
      resources: 'Emergency resources (file)',
      divisions: 'Divisions (file)',
      mgmt_grids: 'Management grids (file)',
      roads: 'Road network (file)',
      cells: 'Risk cells (file)',
      publication_draft: 'Publication draft',
      scenario: 'Scenario',
      api_token: 'API token',
    },
    actions: {
      created: 'Created',
      updated: 'Updated',
      deleted: 'Deleted',
      imported: 'Imported',
      published: 'Published',
      recorded: 'Result recorded',
      results_published: 'Results published',
      credit_status_changed: 'Credit status changed',
      supervision_updated: 'Supervision updated',
      tier_recomputed: 'Tier recomputed',
      inspection_task: 'Inspection assigned',
      approved: 'Approved',
      rejected: 'Rejected',
      revoked: 'Revoked',
      recomputed: 'Recomputed',
      exported: 'Exported',
      import_not_stored: 'Import not stored',
      updated_by_import: 'Updated by import',
    },
  },
}

export const ADMIN_MESSAGES: Readonly<Record<Lang, AdminMessages>> = { 'zh-CN': zhCN, en }
