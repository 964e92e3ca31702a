namespace Runlens.Audit.Results;

/// <summary>The profile of one column of a table (CSV, JSONL, Parquet, Arrow).</summary>
/// <param name="Table">The file it belongs to.</param>
/// <param name="Name">Column name.</param>
/// <param name="Role"><c>label</c>, <c>text</c>, <c>id</c>, <c>file</c>, <c>numeric</c> or <c>categorical</c>.</param>
/// <param name="Rows">Rows in the table.</param>
/// <param name="Missing">Empty, null or NaN values.</param>
/// <param name="Distinct">Distinct non-missing values.</param>
/// <param name="Min">Smallest numeric value (numeric columns).</param>
/// <param name="Max">Largest numeric value.</param>
/// <param name="Median">Median (numeric columns).</param>
/// <param name="Q1">First quartile (numeric columns; linear interpolation as NumPy's default).</param>
/// <param name="Q3">Third quartile.</param>
public sealed record AuditColumn(string Table, string Name, string Role, int Rows, int Missing, int Distinct,
    double? Min = null, double? Max = null, double? Median = null, double? Q1 = null, double? Q3 = null);
