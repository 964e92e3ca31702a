namespace Runlens.Import.TensorBoard;

/// <summary>One tag of one event file: its series name (with the Keras split folder in front, if any) and the plugin
/// its first metadata named (TF2 writes the metadata only with a tag's first value).</summary>
internal sealed class TensorBoardTag(byte[] utf8, string name, int hash)
{
    public const string ScalarsPlugin = "scalars";
    public const string HParamsPlugin = "hparams";

    public byte[] Utf8 { get; } = utf8;

    public string Name { get; } = name;

    public int Hash { get; } = hash;

    public string? Plugin { get; set; }

    public TensorBoardTag? Next { get; set; }
}
