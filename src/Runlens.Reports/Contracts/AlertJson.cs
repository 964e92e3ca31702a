namespace Runlens.Reports.Contracts;

/// <summary>
/// <c>runlens.alert/v1</c> (the file sink's lines, the webhook sink's body): the run, the alert's kind and de-duplication
/// key, the rule (id and slug) of a finding alert, severity, title, message, step, metric and value of a threshold or
/// z-score alert, when it was raised (ISO 8601) and what to do. Every key is always present, null when it does not apply.
/// </summary>
public sealed record AlertJson(
    string Schema,
    AlertRunJson Run,
    string Kind,
    string Key,
    string? RuleId,
    string? Rule,
    string Severity,
    string Title,
    string Message,
    long? Step,
    string? Metric,
    double? Value,
    string Time,
    string? Recommendation)
{
    public const string CurrentSchema = "runlens.alert/v1";
}
