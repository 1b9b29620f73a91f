// Words and formats: Vietnamese by default, English on request (kept for the session).
// Numbers and dates as the reports write them (src/format.rs): "57/173 (32,9%)", "6,61",
// "1.144", "31/12/2024".

const KEY = 'coso.lang';

const WORDS = {
  vi: {
    title: 'Bảng điều khiển Công an cấp xã',
    skip: 'Bỏ qua điều hướng',
    signInTitle: 'Đăng nhập',
    signInHelp: 'Dán mã truy cập (token) do quản trị viên cấp. Mã chỉ được giữ trong phiên làm việc của thẻ trình duyệt này.',
    token: 'Mã truy cập',
    signIn: 'Đăng nhập',
    signOut: 'Đăng xuất',
    language: 'English',
    languageLabel: 'Switch to English',
    loading: 'Đang tải…',
    role: 'Vai trò', scope: 'Phạm vi',
    VIEWER: 'Người xem', ANALYST: 'Phân tích viên', ADMIN: 'Quản trị viên',
    wholeProvince: 'Toàn tỉnh',
    overview: 'Tổng quan', breakdown: 'Chi tiết', gaps: 'Đơn vị chưa đạt', unit: 'Đơn vị',
    series: 'Diễn biến', trajectory: 'Trụ sở', analytics: 'Phân tích', reports: 'Báo cáo',
    day: 'Ngày', scopePicker: 'Phạm vi', unitPicker: 'Đơn vị', allUnits: '— cả phạm vi —',
    show: 'Xem',
    value: 'Giá trị', target: 'Chỉ tiêu', targetBy: 'hạn', noTarget: 'không có chỉ tiêu',
    change: 'So với tháng trước', noChange: 'không đổi', points: 'điểm %',
    GREEN: 'Đạt', AMBER: 'Gần đạt', RED: 'Chưa đạt', NONE: 'Theo dõi',
    numerator: 'Tử số', denominator: 'Mẫu số',
    dataAsOf: 'Dữ liệu cập nhật', refreshed: 'Đã làm mới theo dữ liệu mới',
    groupBy: 'Theo', DISTRICT: 'Huyện / khu vực', AREA: 'Khu vực', KIND: 'Loại đơn vị', UNIT: 'Đơn vị',
    filter: 'Lọc', csv: 'Tải CSV', xlsx: 'Tải XLSX', rows: 'dòng', name: 'Tên', code: 'Mã',
    indicator: 'Chỉ tiêu', search: 'Tìm', district: 'Huyện', kind: 'Loại', missing: 'Thiếu',
    officers: 'Cán bộ', rank: 'Hạng', gapsTotal: 'đơn vị chưa đạt', openUnit: 'Xem đơn vị',
    notInScope: 'Không có đơn vị này vào ngày đã chọn, hoặc đơn vị nằm ngoài phạm vi của bạn.',
    unitCode: 'Mã đơn vị', facts: 'Thông tin ngày', officerCount: 'Số cán bộ', chief: 'Trưởng Công an',
    noChief: 'chưa có', chiefName: 'Họ tên', headquarters: 'Trụ sở', seats: 'Cấp ủy', awards: 'Khen thưởng',
    history: 'Các thời kỳ', lineage: 'Nguồn gốc và kế thừa', predecessors: 'Hình thành từ', successors: 'Trở thành',
    none: 'không có', from: 'Từ', to: 'Đến', validFrom: 'Từ ngày', validTo: 'Đến ngày', stillValid: 'đang hiệu lực',
    period: 'Kỳ', MONTH: 'Tháng', QUARTER: 'Quý', YEAR: 'Năm', basis: 'Cơ sở',
    AS_WAS: 'Đơn vị tại từng thời điểm', CURRENT_UNITS: 'Đơn vị hiện nay', indicators: 'Chỉ tiêu',
    structureChanged: 'Thay đổi địa giới (mẫu số đổi)', chart: 'Biểu đồ', table: 'Bảng',
    hqTitle: 'Trụ sở kiểu mẫu: tiến độ tới chỉ tiêu', covered: 'Đã có', units: 'Đơn vị', needed: 'Còn phải làm',
    monthsLeft: 'Tháng còn lại', requiredPerMonth: 'Cần mỗi tháng', achievedPerMonth: 'Đã đạt mỗi tháng (12 tháng qua)',
    projectedDate: 'Dự kiến đạt', never: 'chưa dự kiến được', onTrack: 'Đúng tiến độ', offTrack: 'Chậm tiến độ',
    targetDate: 'Hạn chỉ tiêu',
    sql: 'Câu lệnh SQL', run: 'Chạy', tables: 'Bảng và cột', limit: 'Giới hạn dòng', truncated: 'Kết quả bị cắt ở giới hạn',
    error: 'Lỗi', schedules: 'Lịch gửi', nextRuns: 'Lần gửi tới', runs: 'Các lần chạy', status: 'Trạng thái',
    recipients: 'Người nhận', deliveries: 'Gửi tới', archive: 'Báo cáo đã gửi', open: 'Mở', preview: 'Xem trước',
    runNow: 'Chạy ngay', confirmRun: 'Gửi báo cáo này ngay cho mọi người nhận?', started: 'Bắt đầu', enabled: 'Đang bật', paused: 'Tạm dừng',
    verified: 'Nội dung khớp mã băm', notVerified: 'Nội dung KHÔNG khớp mã băm', close: 'Đóng', attempts: 'lần thử',
    actions: 'Thao tác', reportFrame: 'Báo cáo như đã gửi', previewFrame: 'Bản xem trước báo cáo', yes: 'có', no: 'không',
  },
  en: {
    title: 'Commune police dashboard',
    skip: 'Skip navigation',
    signInTitle: 'Sign in',
    signInHelp: 'Paste the access token an administrator gave you. It is kept only for this browser tab\u2019s session.',
    token: 'Access token',
    signIn: 'Sign in',
    signOut: 'Sign out',
    language: 'Tiếng Việt',
    languageLabel: 'Chuyển sang tiếng Việt',
    loading: 'Loading…',
    role: 'Role', scope: 'Scope',
    VIEWER: 'Viewer', ANALYST: 'Analyst', ADMIN: 'Administrator',
    wholeProvince: 'Whole province',
    overview: 'Overview', breakdown: 'Breakdown', gaps: 'Gaps', unit: 'Unit',
    series: 'Series', trajectory: 'Headquarters', analytics: 'Analytics', reports: 'Reports',
    day: 'Day', scopePicker: 'Scope', unitPicker: 'Unit', allUnits: '— whole scope —',
    show: 'Show',
    value: 'Value', target: 'Target', targetBy: 'by', noTarget: 'no target',
    change: 'Since the previous month', noChange: 'unchanged', points: 'points',
    GREEN: 'Met', AMBER: 'Close', RED: 'Not met', NONE: 'Monitored',
    numerator: 'Numerator', denominator: 'Denominator',
    dataAsOf: 'Data as of', refreshed: 'Refreshed with new data',
    groupBy: 'By', DISTRICT: 'District / area', AREA: 'Area', KIND: 'Kind of unit', UNIT: 'Unit',
    filter: 'Filter', csv: 'Download CSV', xlsx: 'Download XLSX', rows: 'rows', name: 'Name', code: 'Code',
    indicator: 'Indicator', search: 'Search', district: 'District', kind: 'Kind', missing: 'Missing',
    officers: 'Officers', rank: 'Rank', gapsTotal: 'units not meeting it', openUnit: 'Open unit',
    notInScope: 'No unit had this code on the chosen day, or it is outside your scope.',
    unitCode: 'Unit code', facts: 'Facts on the day', officerCount: 'Officers', chief: 'Chief',
    noChief: 'none', chiefName: 'Name', headquarters: 'Headquarters', seats: 'Party committee seats', awards: 'Awards',
    history: 'Periods', lineage: 'Lineage', predecessors: 'Made from', successors: 'Became',
    none: 'none', from: 'From', to: 'To', validFrom: 'From', validTo: 'To', stillValid: 'in force',
    period: 'Period', MONTH: 'Month', QUARTER: 'Quarter', YEAR: 'Year', basis: 'Basis',
    AS_WAS: 'Units as they were', CURRENT_UNITS: 'Today\u2019s units', indicators: 'Indicators',
    structureChanged: 'Restructuring (denominator changed)', chart: 'Chart', table: 'Table',
    hqTitle: 'New-model headquarters: trajectory to the target', covered: 'Covered', units: 'Units', needed: 'Still to cover',
    monthsLeft: 'Months left', requiredPerMonth: 'Needed per month', achievedPerMonth: 'Achieved per month (last 12 months)',
    projectedDate: 'Projected', never: 'no projection', onTrack: 'On track', offTrack: 'Behind',
    targetDate: 'Target date',
    sql: 'SQL query', run: 'Run', tables: 'Tables and columns', limit: 'Row limit', truncated: 'Result cut at the limit',
    error: 'Error', schedules: 'Schedules', nextRuns: 'Next runs', runs: 'Runs', status: 'Status',
    recipients: 'Recipients', deliveries: 'Deliveries', archive: 'Report as sent', open: 'Open', preview: 'Preview',
    runNow: 'Run now', confirmRun: 'Send this report to every recipient now?', started: 'Started', enabled: 'Enabled', paused: 'Paused',
    verified: 'Content matches its hash', notVerified: 'Content does NOT match its hash', close: 'Close', attempts: 'attempts',
    actions: 'Actions', reportFrame: 'The report as sent', previewFrame: 'Report preview', yes: 'yes', no: 'no',
  },
};

export let lang = sessionStorage.getItem(KEY) === 'en' ? 'en' : 'vi';

export function setLang(value) {
  lang = value;
  sessionStorage.setItem(KEY, value);
  document.documentElement.lang = value;
}

export function t(key) {
  return WORDS[lang][key] ?? WORDS.vi[key] ?? key;
}

// A number with `decimals` decimals: "1.144", "6,61" (vi) or "1,144", "6.61" (en).
export function num(value, decimals = 0) {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  const [sep, group] = lang === 'vi' ? [',', '.'] : ['.', ','];
  const fixed = Math.abs(value).toFixed(decimals);
  const [int, frac] = fixed.split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, group);
  const zero = !/[1-9]/.test(fixed);
  const sign = value < 0 && !zero ? '-' : '';
  return frac ? `${sign}${grouped}${sep}${frac}` : `${sign}${grouped}`;
}

// "2024-12-31" -> "31/12/2024" (both languages: the reports' format).
export function day(iso) {
  if (!iso) return '—';
  const [y, m, d] = iso.slice(0, 10).split('-');
  return `${d}/${m}/${y}`;
}

// A timestamp in the province's zone, "31/12/2024 08:00".
export function time(iso) {
  if (!iso) return '—';
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(new Date(iso));
  const p = Object.fromEntries(parts.map((x) => [x.type, x.value]));
  return `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}`;
}

// An indicator value as the reports show it: "57/173 (32,9%)", "6,61", "16".
// In Vietnamese, the server's own `display` (the reports' text); in English the same
// figures with English separators.
export function display(v, decimals) {
  if (lang === 'vi' && v.display) return v.display;
  const d = decimals ?? decimalsOf(v);
  const shown = num(v.value, d);
  if (v.unit === '%' && v.denominator !== null && v.denominator !== undefined) {
    return `${num(v.numerator)}/${num(v.denominator)} (${shown}%)`;
  }
  return v.unit === '%' ? `${shown}%` : shown;
}

function decimalsOf(v) {
  if (v.unit === '%') return 1;
  if (Number.isInteger(v.value)) return 0;
  return 2;
}

export function nameOf(item) {
  return lang === 'en' && item.nameEn ? item.nameEn : item.name;
}
