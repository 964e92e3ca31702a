namespace Runlens.Import.Core;

/// <summary>What a cell holds.</summary>
internal enum CellKind
{
    Empty,
    Number,
    Text,
}
