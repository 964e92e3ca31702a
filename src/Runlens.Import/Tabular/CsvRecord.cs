namespace Runlens.Import.Tabular;

/// <summary>Where a record started and whether it was read whole.</summary>
internal readonly record struct CsvRecord(int Line, CsvRecordStatus Status);

internal enum CsvRecordStatus
{
    Ok,
    /// <summary>A quoted field was still open at the end of the input.</summary>
    OpenQuote,
    /// <summary>The record was longer than <see cref="CsvRecordReader.MaxRecordChars"/> and was skipped.</summary>
    TooLong,
}
