using System.Collections.Immutable;

namespace Runlens.Agent.Experiments;

/// <summary>
/// The model of an experiment (seed 003's <c>model_config</c>): an architecture of the built-in templates and its sizes.
/// Fields that do not apply to the architecture are null.
/// </summary>
/// <param name="Architecture"><c>mlp</c>, <c>cnn</c>, <c>gru</c>, <c>lstm</c> or <c>transformer</c>.</param>
/// <param name="Hidden">MLP: the width of each hidden layer.</param>
/// <param name="Channels">CNN: the channels of each convolution.</param>
/// <param name="KernelSize">CNN: the kernel size.</param>
/// <param name="HiddenSize">GRU/LSTM: the state size.</param>
/// <param name="Layers">GRU/LSTM/transformer: stacked layers.</param>
/// <param name="DModel">Transformer: the embedding width.</param>
/// <param name="Heads">Transformer: attention heads (dividing <paramref name="DModel"/>).</param>
/// <param name="Dropout">Dropout before the output layer (and between layers), 0 to 0.9.</param>
public sealed record ModelConfig(
    string Architecture,
    ImmutableArray<int>? Hidden = null,
    ImmutableArray<int>? Channels = null,
    int? KernelSize = null,
    int? HiddenSize = null,
    int? Layers = null,
    int? DModel = null,
    int? Heads = null,
    double Dropout = 0.0)
{
    public static readonly string[] Architectures = ["mlp", "cnn", "gru", "lstm", "transformer"];

    /// <summary>The template's default sizes for an architecture.</summary>
    public static ModelConfig Default(string architecture) => architecture switch
    {
        "mlp" => new ModelConfig("mlp", Hidden: [64]),
        "cnn" => new ModelConfig("cnn", Channels: [16, 32], KernelSize: 3),
        "gru" or "lstm" => new ModelConfig(architecture, HiddenSize: 64, Layers: 1),
        "transformer" => new ModelConfig("transformer", Layers: 2, DModel: 32, Heads: 4),
        _ => throw new FormatException($"unknown architecture '{architecture}'; use one of {string.Join(", ", Architectures)}"),
    };
}
