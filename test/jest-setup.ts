/**
 * Quiet on success: with the recommended feature flags (`@aws-cdk/core:annotationsInValidationReport`),
 * aws-cdk-lib's synth prints "Performing Policy Validations" and a policy-validation report to console.error
 * whenever a construct has a warning annotation, even when every validation passed. The tests read warnings with
 * `Annotations.fromStack`, so such a report only hides real messages. A report with any status other than
 * `success`, aws-cdk-lib's "Validation failed" line and every other message still reach the console.
 */
const consoleError = console.error.bind(console);

/** The statuses of a pretty-printed report: one `Status:` per validation, one row per source in its summary. */
function isSuccessReport(text: string): boolean {
  // eslint-disable-next-line no-control-regex
  const plain = text.replace(/\u001b\[[0-9;]*m/g, '');
  if (!plain.startsWith('Validation Report')) {
    return false;
  }
  const statuses = [...plain.matchAll(/Status: (\w+)/g)].map((m) => m[1]);
  const summaryRows = [...plain.matchAll(/║ [^║│]+│ (\w+)\s*║/g)].map((m) => m[1]).filter((s) => s !== 'Status');
  return statuses.length > 0 && [...statuses, ...summaryRows].every((s) => s === 'success');
}

console.error = (...args: unknown[]) => {
  if (args.length === 1 && typeof args[0] === 'string') {
    if (args[0].trim() === 'Performing Policy Validations' || isSuccessReport(args[0])) {
      return;
    }
  }
  consoleError(...args);
};
