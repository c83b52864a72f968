import type { Lang } from '../i18n'

/** Texts of the public portal and the staff publications page, per language. */
export interface PublicMessages {
  portalTitle: string
  portalSubtitle: string
  publishedAt: (date: string, id: number) => string
  notPublished: string
  note: string
  legendTitle: string
  areasLegend: string
  sheltersLegend: string
  regionsTitle: string
  townshipsTitle: string
  regionHeaders: { name: string; level: string; highest: string; share: string }
  /** Share of the region's area at orange or red. */
  highShare: (percent: string) => string
  penaltiesTitle: string
  penaltiesEmpty: string
  penaltyAmount: (yuan: string) => string
  sheltersTitle: string
  shelterCapacity: (people: string) => string
  reportsTitle: string
  signIn: {
    open: string
    title: string
    username: string
    password: string
    submit: string
    cancel: string
    wrong: string
    tooMany: string
    failed: string
  }
  loadFailed: string
  /** The portal's tabs. */
  tabs: { place: string; regions: string; penalties: string; report: string }
  /** The header's one obvious button to the report form. */
  reportHazard: string
  place: {
    prompt: string
    locate: string
    locating: string
    locateFailed: string
    loading: string
    levelHere: string
    noRisk: string
    staleNote: string
    areaZone: (level: string) => string
    regionShares: string
    sheltersNear: string
    noShelters: string
    distance: (metres: number) => string
    reportHere: string
    outside: string
  }
  pager: { previous: string; next: string; page: (page: number, pages: number, total: number) => string }
  publications: {
    title: string
    back: string
    publish: string
    notePlaceholder: string
    publishing: string
    published: (id: number) => string
    listTitle: string
    empty: string
    compare: string
    compareHint: string
    cells: string
    regions: string
    raised: string
    lowered: string
    summary: (cells: number, raised: number, lowered: number, regions: number) => string
    regionChange: (name: string, before: string, after: string) => string
    approver: string
    readOnly: string
    /** The two-step workflow: a draft, its preview, an approval or rejection by someone else. */
    prepare: string
    preparing: string
    prepared: (id: number) => string
    draftsTitle: string
    draftsEmpty: string
    draftHead: (id: number, date: string) => string
    preparedBy: (name: string) => string
    preview: string
    previewTitle: (id: number) => string
    againstCurrent: (id: number) => string
    againstNothing: string
    ownDraft: string
    outdated: string
    decisionNote: string
    approve: string
    reject: string
    rejectNeedsNote: string
    approved: (draft: number, publication: number) => string
    rejected: (draft: number) => string
    decided: (status: string, name: string, note: string | null) => string
    statuses: { pending: string; approved: string; rejected: string }
    sharesOnly: (regions: number) => string
    analysisCells: (cells: number) => string
    causesTitle: string
    causeLine: (cause: string, raised: number, lowered: number, staleOnly: number) => string
    regionShares: (name: string, level: string) => string
    noChange: string
  }
}

export const PUBLIC_MESSAGES: Readonly<Record<Lang, PublicMessages>> = {
  'zh-CN': {
    portalTitle: '安全风险公示',
    portalSubtitle: '区域安全风险等级（公开版）',
    publishedAt: (date, id) => `发布时间：${date}（第 ${id} 期）`,
    notPublished: '尚未发布风险地图。',
    note: '说明',
    legendTitle: '风险等级',
    areasLegend: '公共区域风险',
    sheltersLegend: '应急避难场所',
    regionsTitle: '各区县风险等级',
    townshipsTitle: '街道（乡镇）',
    regionHeaders: { name: '区域', level: '等级', highest: '最高网格等级', share: '较大及以上面积' },
    highShare: (percent) => `${percent}%`,
    penaltiesTitle: '行政处罚公示',
    penaltiesEmpty: '暂无公开的行政处罚。',
    penaltyAmount: (yuan) => `罚款 ${yuan} 元`,
    sheltersTitle: '应急避难场所',
    shelterCapacity: (people) => `可容纳 ${people} 人`,
    reportsTitle: '举报与查询',
    signIn: {
      open: '工作人员登录',
      title: '工作人员登录',
      username: '用户名',
      password: '密码',
      submit: '登录',
      cancel: '取消',
      wrong: '用户名或密码错误。',
      tooMany: '登录尝试次数过多，请稍后再试。',
      failed: '登录失败：',
    },
    loadFailed: '加载失败：',
    tabs: { place: '此处风险', regions: '各区风险', penalties: '处罚公示', report: '隐患举报' },
    reportHazard: '我要举报隐患',
    place: {
      prompt: '点击地图上的任一地点，或使用“我的位置”，查看该处公布的风险等级、所在区域的风险构成和附近的应急避难场所。',
      locate: '我的位置',
      locating: '正在定位…',
      locateFailed: '无法获取您的位置，请点击地图选择地点。',
      loading: '正在查询…',
      levelHere: '此处风险等级',
      noRisk: '此处没有登记的风险源',
      staleNote: '该处风险记录已过有效期，等级仅供参考。',
      areaZone: (level) => `位于公共区域风险范围内（${level}）`,
      regionShares: '所在区域各等级面积占比',
      sheltersNear: '附近的应急避难场所',
      noShelters: '附近没有登记的应急避难场所。',
      distance: (metres) => (metres >= 1000 ? `${(metres / 1000).toFixed(1)} 公里` : `${metres} 米`),
      reportHere: '在此处举报隐患',
      outside: '此处不在本次公布的范围内。',
    },
    pager: { previous: '上一页', next: '下一页', page: (page, pages, total) => `第 ${page} / ${pages} 页，共 ${total} 条` },
    publications: {
      title: '风险地图发布',
      back: '返回地图',
      publish: '发布',
      notePlaceholder: '发布说明（可选）',
      publishing: '正在发布…',
      published: (id) => `已发布第 ${id} 期。`,
      listTitle: '历次发布',
      empty: '尚无发布记录。',
      compare: '比较',
      compareHint: '勾选两期发布进行比较：地图显示等级变化的网格。',
      cells: '网格',
      regions: '区域',
      raised: '等级升高',
      lowered: '等级降低',
      summary: (cells, raised, lowered, regions) => `${cells} 个网格等级变化（升高 ${raised}，降低 ${lowered}），${regions} 个区域等级变化`,
      regionChange: (name, before, after) => `${name}：${before} → ${after}`,
      approver: '审批人',
      readOnly: '仅规划人员和管理员可以发布。',
      prepare: '准备发布草稿',
      preparing: '正在准备草稿…',
      prepared: (id) => `已准备第 ${id} 号草稿，请由另一位规划人员或管理员审批。`,
      draftsTitle: '待审批的发布草稿',
      draftsEmpty: '没有待审批的草稿。',
      draftHead: (id, date) => `草稿 ${id} · ${date}`,
      preparedBy: (name) => `准备人：${name}`,
      preview: '预览',
      previewTitle: (id) => `草稿 ${id} 的预览`,
      againstCurrent: (id) => `与当前公布的第 ${id} 期相比：`,
      againstNothing: '尚无发布：以下为首次发布的内容。',
      ownDraft: '这是您准备的草稿，须由另一位规划人员或管理员审批。',
      outdated: '草稿准备后数据已有变化，不能再审批，请重新准备草稿并查看预览。',
      decisionNote: '审批意见（驳回时必填）',
      approve: '批准发布',
      reject: '驳回',
      rejectNeedsNote: '驳回时请填写理由。',
      approved: (draft, publication) => `草稿 ${draft} 已批准，发布为第 ${publication} 期。`,
      rejected: (draft) => `草稿 ${draft} 已驳回。`,
      decided: (status, name, note) => `${status}（${name}）${note ? `：${note}` : ''}`,
      statuses: { pending: '待审批', approved: '已批准', rejected: '已驳回' },
      sharesOnly: (regions) => `${regions} 个区域等级未变，但各等级面积占比有变化`,
      analysisCells: (cells) => `其间 ${cells} 个分析网格的等级或时效发生变化`,
      causesTitle: '变化原因',
      causeLine: (cause, raised, lowered, staleOnly) =>
        [`${cause}：`, raised ? `升高 ${raised}` : '', lowered ? `降低 ${lowered}` : '', staleOnly ? `时效变化 ${staleOnly}` : '']
          .filter(Boolean)
          .join(' ')
          .replace('： ', '：'),
      regionShares: (name, level) => `${name}：${level}（面积占比变化）`,
      noChange: '与当前发布相比没有变化。',
    },
  },
  en: {
    portalTitle: 'Safety risk notice',
    portalSubtitle: 'Regional safety risk levels (public edition)',
    publishedAt: (date, id) => `Published ${date} (no. ${id})`,
    notPublished: 'No risk map has been published yet.',
    note: 'Note',
    legendTitle: 'Risk level',
    areasLegend: 'Public-area risk',
    sheltersLegend: 'Emergency shelters',
    regionsTitle: 'Risk level by district',
    townshipsTitle: 'Subdistricts and towns',
    regionHeaders: { name: 'Region', level: 'Level', highest: 'Highest cell', share: 'Area orange or red' },
    highShare: (percent) => `${percent}%`,
    penaltiesTitle: 'Published penalties',
    penaltiesEmpty: 'No published penalty.',
    penaltyAmount: (yuan) => `Fine ¥${yuan}`,
    sheltersTitle: 'Emergency shelters',
    shelterCapacity: (people) => `for ${people} people`,
    reportsTitle: 'Report a hazard',
    signIn: {
      open: 'Staff sign-in',
      title: 'Staff sign-in',
      username: 'User name',
      password: 'Password',
      submit: 'Sign in',
      cancel: 'Cancel',
      wrong: 'Wrong user name or password.',
      tooMany: 'Too many sign-in attempts; try again later.',
      failed: 'Sign-in failed: ',
    },
    loadFailed: 'Could not load: ',
    tabs: { place: 'Level here', regions: 'Districts', penalties: 'Penalties', report: 'Report' },
    reportHazard: 'Report a hazard',
    place: {
      prompt: 'Click any place on the map, or use “My location”, to see its published risk level, the levels of its area and the nearest emergency shelters.',
      locate: 'My location',
      locating: 'Locating…',
      locateFailed: 'Your location is not available; click the map to choose a place.',
      loading: 'Looking up…',
      levelHere: 'Risk level here',
      noRisk: 'No recorded risk source here',
      staleNote: 'The records here are out of date; the level is indicative only.',
      areaZone: (level) => `Inside a public-area risk zone (${level})`,
      regionShares: 'Share of the area at each level',
      sheltersNear: 'Nearest emergency shelters',
      noShelters: 'No emergency shelter on record nearby.',
      distance: (metres) => (metres >= 1000 ? `${(metres / 1000).toFixed(1)} km` : `${metres} m`),
      reportHere: 'Report a hazard here',
      outside: 'This place is outside the published map.',
    },
    pager: { previous: 'Previous', next: 'Next', page: (page, pages, total) => `Page ${page} of ${pages}, ${total} in all` },
    publications: {
      title: 'Risk map publications',
      back: 'Back to the map',
      publish: 'Publish',
      notePlaceholder: 'Note (optional)',
      publishing: 'Publishing…',
      published: (id) => `Publication ${id} is out.`,
      listTitle: 'Publications',
      empty: 'Nothing has been published yet.',
      compare: 'Compare',
      compareHint: 'Tick two publications to compare them: the map shows the cells whose level changed.',
      cells: 'Cells',
      regions: 'Regions',
      raised: 'Raised',
      lowered: 'Lowered',
      summary: (cells, raised, lowered, regions) => `${cells} cells changed level (${raised} up, ${lowered} down), ${regions} regions changed level`,
      regionChange: (name, before, after) => `${name}: ${before} → ${after}`,
      approver: 'Approved by',
      readOnly: 'Only planners and administrators can publish.',
      prepare: 'Prepare a draft',
      preparing: 'Preparing the draft…',
      prepared: (id) => `Draft ${id} is ready: another planner or administrator approves it.`,
      draftsTitle: 'Drafts awaiting approval',
      draftsEmpty: 'No draft awaits approval.',
      draftHead: (id, date) => `Draft ${id} · ${date}`,
      preparedBy: (name) => `Prepared by ${name}`,
      preview: 'Preview',
      previewTitle: (id) => `Preview of draft ${id}`,
      againstCurrent: (id) => `Compared with the current publication no. ${id}:`,
      againstNothing: 'Nothing is published yet: this is the first publication.',
      ownDraft: 'You prepared this draft: another planner or administrator approves it.',
      outdated: 'The data changed since this draft was prepared: it can no longer be approved. Prepare a new draft and check its preview.',
      decisionNote: 'Note (required to reject)',
      approve: 'Approve and publish',
      reject: 'Reject',
      rejectNeedsNote: 'Say why the draft is rejected.',
      approved: (draft, publication) => `Draft ${draft} approved: publication no. ${publication} is out.`,
      rejected: (draft) => `Draft ${draft} rejected.`,
      decided: (status, name, note) => `${status} by ${name}${note ? `: ${note}` : ''}`,
      statuses: { pending: 'Awaiting approval', approved: 'Approved', rejected: 'Rejected' },
      sharesOnly: (regions) => `${regions} regions kept their level but their share of levels moved`,
      analysisCells: (cells) => `${cells} analysis cells changed level or freshness in between`,
      causesTitle: 'Why',
      causeLine: (cause, raised, lowered, staleOnly) =>
        `${cause}: ${[raised ? `${raised} up` : '', lowered ? `${lowered} down` : '', staleOnly ? `${staleOnly} freshness` : ''].filter(Boolean).join(', ')}`,
      regionShares: (name, level) => `${name}: ${level} (shares moved)`,
      noChange: 'No change from the current publication.',
    },
  },
}
