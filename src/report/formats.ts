/** The report formats, in one list: every command that renders a report takes these (no renderer is loaded here). */
export const REPORT_FORMATS = ['text', 'json', 'sarif', 'junit', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** What a command that prints a report takes: the renderers' formats, and pdf (the HTML page printed by Chromium). */
export const OUTPUT_FORMATS = [...REPORT_FORMATS, 'pdf'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export function isReportFormat(value: string): value is ReportFormat {
  return (REPORT_FORMATS as readonly string[]).includes(value);
}
