using Runlens.Model;

namespace Runlens.Analysis.Signals;

/// <summary>
/// The model's architecture as the run's config records it: the hidden activation and the number of hidden layers under
/// the keys trainers write (a Hugging Face <c>config.json</c> or the callback's <c>model.config</c>: <c>model.hidden_act</c>,
/// <c>model.num_hidden_layers</c>; a LightningModule's <c>save_hyperparameters()</c>: <c>activation</c>, <c>num_layers</c>),
/// and whether it names normalisation layers or residual connections (<c>layer_norm_eps</c>, <c>batch_norm</c>,
/// <c>norm_first</c>, <c>residual</c>, …), which keep the gradient alive through depth.
/// </summary>
/// <param name="ActivationKey">The config key of the activation, or null.</param>
/// <param name="Activation">The activation's name, or null.</param>
/// <param name="LayersKey">The config key of the depth, or null.</param>
/// <param name="Layers">The number of hidden layers, or null.</param>
/// <param name="NormalisationKey">The config key that shows normalisation or residual connections, or null.</param>
public sealed record ModelArchitecture(string? ActivationKey, string? Activation, string? LayersKey, int? Layers, string? NormalisationKey)
{
    /// <summary>Hidden layers from which a sigmoid/tanh stack counts as deep enough for its gradient to vanish. The
    /// sigmoid's derivative is at most 0.25, so backpropagation through 8 sigmoid layers scales the gradient by at most
    /// 0.25^8 ≈ 1.5e-5 (with unit-scale weights), and a tanh that saturates shrinks it at every layer too; the first
    /// layers then learn four or more orders of magnitude more slowly than the last. Shallow nets with a few saturating
    /// layers (2–4: classic MLPs, a pooler's tanh) train well and stay below it.</summary>
    public const int DeepLayers = 8;

    private static readonly string[] ActivationKeys = ["model.hidden_act", "model.activation", "model.activation_function", "hidden_act", "activation", "activation_function"];
    private static readonly string[] LayersKeys = ["model.num_hidden_layers", "model.n_layer", "model.num_layers", "num_hidden_layers", "num_layers", "n_layers", "depth"];
    private static readonly string[] NormalisationNames =
    [
        "layer_norm_eps", "layer_norm_epsilon", "norm_eps", "batch_norm", "batchnorm", "use_batch_norm", "use_batchnorm",
        "use_layer_norm", "layer_norm", "normalization", "normalisation", "norm", "norm_type", "norm_first", "residual",
        "use_residual", "residual_connections", "skip_connections",
    ];

    /// <summary>What <paramref name="config"/> says about the architecture (fields null where it says nothing).</summary>
    public static ModelArchitecture Of(RunConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var (activationKey, activation) = First(config, ActivationKeys, v => v is { Kind: ConfigValueKind.String, Text.Length: > 0 });
        var (layersKey, layers) = First(config, LayersKeys, v => v is { Kind: ConfigValueKind.Number, Number: >= 0 } n && n.Number == Math.Floor(n.Number));
        var (normKey, _) = First(config, [.. NormalisationNames.SelectMany(n => new[] { "model." + n, n })], Present);
        return new ModelArchitecture(activationKey, activation?.Text, layersKey, layers is { } l ? (int)l.Number : null, normKey);
    }

    /// <summary>The activation when it saturates (sigmoid, tanh and their hard variants); null for ReLU, GELU (also HF's
    /// <c>gelu_pytorch_tanh</c>, a GELU computed with tanh), SiLU and the rest.</summary>
    public string? Saturating => Activation is { } a && !a.Contains("gelu", StringComparison.OrdinalIgnoreCase)
        && (a.Contains("sigmoid", StringComparison.OrdinalIgnoreCase) || a.Contains("tanh", StringComparison.OrdinalIgnoreCase)) ? a : null;

    /// <summary>At least <paramref name="minLayers"/> hidden layers of a saturating activation, with neither normalisation
    /// nor residual connections in the config.</summary>
    public bool IsDeepSaturatingStack(int minLayers) => Saturating is not null && Layers >= minLayers && NormalisationKey is null;

    private static (string? Key, ConfigValue? Value) First(RunConfig config, IEnumerable<string> keys, Func<ConfigValue, bool> accept)
    {
        foreach (var key in keys)
        {
            if (config.Get(key) is { } v && accept(v))
            {
                return (key, v);
            }
        }

        return (null, null);
    }

    /// <summary>A normalisation or residual setting that is on: any value but null, false, 0, "" or "none".</summary>
    private static bool Present(ConfigValue v) => v.Kind switch
    {
        ConfigValueKind.Null => false,
        ConfigValueKind.Boolean => v.Boolean,
        ConfigValueKind.Number => v.Number != 0,
        _ => v.Text.Length > 0 && !v.Text.Equals("none", StringComparison.OrdinalIgnoreCase) && !v.Text.Equals("false", StringComparison.OrdinalIgnoreCase),
    };
}
