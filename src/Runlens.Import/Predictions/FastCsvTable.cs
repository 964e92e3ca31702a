namespace Runlens.Import.Predictions;

/// <summary>What <see cref="FastCsv"/> read: each row's line and field starts, or the first row whose field count is wrong.</summary>
internal sealed record FastCsvTable(int[] Lines, int[] FieldStarts, (int Line, int Fields)? Error);
