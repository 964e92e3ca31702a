namespace Runlens.Import.Tabular;

/// <summary>What a cell holds.</summary>
internal enum CellKind
{
    Empty,
    Number,
    Text,
}
