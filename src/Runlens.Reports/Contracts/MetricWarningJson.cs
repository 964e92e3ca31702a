namespace Runlens.Reports.Contracts;

/// <summary>A metric scikit-learn would warn about (an undefined precision, …), and the classes concerned.</summary>
public sealed record MetricWarningJson(string Metric, string Message, IReadOnlyList<string> Classes);
