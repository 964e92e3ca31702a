namespace Runlens.Audit.Inputs;

/// <summary>What a file holds, by its extension.</summary>
internal enum ExampleKind
{
    Image,
    Audio,
    Table,
}
