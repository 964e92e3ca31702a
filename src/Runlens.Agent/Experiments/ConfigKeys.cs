using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Runlens.Agent.Experiments;

/// <summary>
/// An experiment configuration read and changed key by key (<c>learning_rate</c>, <c>epochs</c>, <c>model.hidden</c>, …):
/// the one vocabulary the planners, the registry and the LLM's answers use. Every change is checked against the key's
/// range, so no planner can propose a configuration the trainer would refuse.
/// </summary>
public static class ConfigKeys
{
    /// <summary>Every key a plan may change, with its range in words (the LLM's prompt lists them).</summary>
    public static readonly ImmutableArray<(string Key, string Range)> All =
    [
        ("learning_rate", "a number above 0 and at most 10"),
        ("epochs", "an integer from 1 to 1000"),
        ("batch_size", "an integer from 1 to 65536"),
        ("weight_decay", "a number from 0 to 1"),
        ("optimizer", "adam, adamw or sgd"),
        ("model.architecture", "mlp, cnn, gru, lstm or transformer (the other model keys reset to that template's defaults unless given too)"),
        ("model.hidden", "mlp: a list of 1 to 8 layer widths, each 1 to 4096"),
        ("model.channels", "cnn: a list of 1 to 8 channel counts, each 1 to 1024"),
        ("model.kernel_size", "cnn: an odd integer from 1 to 15"),
        ("model.hidden_size", "gru/lstm: an integer from 1 to 4096"),
        ("model.layers", "gru/lstm/transformer: an integer from 1 to 12"),
        ("model.d_model", "transformer: an integer from 4 to 1024, divisible by model.heads"),
        ("model.heads", "transformer: an integer from 1 to 16"),
        ("model.dropout", "a number from 0 to 0.9"),
    ];

    /// <summary>The value of <paramref name="key"/>, or null when it does not apply to this configuration.</summary>
    /// <exception cref="FormatException">An unknown key.</exception>
    public static JsonNode? Get(ExperimentConfig config, string key)
    {
        ArgumentNullException.ThrowIfNull(config);
        var (m, t) = (config.Model, config.Training);
        return key switch
        {
            "learning_rate" => t.LearningRate,
            "epochs" => t.Epochs,
            "batch_size" => t.BatchSize,
            "weight_decay" => t.WeightDecay,
            "optimizer" => t.Optimizer,
            "model.architecture" => m.Architecture,
            "model.hidden" => List(m.Hidden),
            "model.channels" => List(m.Channels),
            "model.kernel_size" => m.KernelSize,
            "model.hidden_size" => m.HiddenSize,
            "model.layers" => m.Layers,
            "model.d_model" => m.DModel,
            "model.heads" => m.Heads,
            "model.dropout" => m.Dropout,
            _ => throw Unknown(key),
        };
    }

    /// <summary>The configuration with <paramref name="key"/> set to <paramref name="value"/>.</summary>
    /// <exception cref="FormatException">An unknown key, or a value outside the key's range: the message says which.</exception>
    public static ExperimentConfig With(ExperimentConfig config, string key, JsonNode? value)
    {
        ArgumentNullException.ThrowIfNull(config);
        var (m, t) = (config.Model, config.Training);
        return key switch
        {
            "learning_rate" => config with { Training = t with { LearningRate = Number(key, value, 1e-12, 10) } },
            "epochs" => config with { Training = t with { Epochs = Integer(key, value, 1, 1000) } },
            "batch_size" => config with { Training = t with { BatchSize = Integer(key, value, 1, 65536) } },
            "weight_decay" => config with { Training = t with { WeightDecay = Number(key, value, 0, 1) } },
            "optimizer" => config with { Training = t with { Optimizer = Choice(key, value, "adam", "adamw", "sgd") } },
            "model.architecture" => config with { Model = Choice(key, value, ModelConfig.Architectures) is var a && a == m.Architecture ? m : ModelConfig.Default(a) with { Dropout = m.Dropout } },
            "model.hidden" => config with { Model = Applies(m, key, "mlp") with { Hidden = Integers(key, value, 4096) } },
            "model.channels" => config with { Model = Applies(m, key, "cnn") with { Channels = Integers(key, value, 1024) } },
            "model.kernel_size" => config with { Model = Applies(m, key, "cnn") with { KernelSize = Odd(key, Integer(key, value, 1, 15)) } },
            "model.hidden_size" => config with { Model = Applies(m, key, "gru", "lstm") with { HiddenSize = Integer(key, value, 1, 4096) } },
            "model.layers" => config with { Model = Applies(m, key, "gru", "lstm", "transformer") with { Layers = Integer(key, value, 1, 12) } },
            "model.d_model" => config with { Model = Applies(m, key, "transformer") with { DModel = Integer(key, value, 4, 1024) } },
            "model.heads" => config with { Model = Applies(m, key, "transformer") with { Heads = Integer(key, value, 1, 16) } },
            "model.dropout" => config with { Model = m with { Dropout = Number(key, value, 0, 0.9) } },
            _ => throw Unknown(key),
        };
    }

    /// <summary>Checks what only the whole configuration can tell (a transformer's width divisible by its heads).</summary>
    /// <exception cref="FormatException">The configuration cannot be built.</exception>
    public static ExperimentConfig Validate(ExperimentConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.Model is { Architecture: "transformer", DModel: { } d, Heads: { } h } && d % h != 0)
        {
            throw new FormatException($"model.d_model {d} is not divisible by model.heads {h}");
        }

        return config;
    }

    /// <summary>A value as text for messages and the registry (<c>0.001</c>, <c>[64, 32]</c>, <c>adam</c>).</summary>
    public static string Text(JsonNode? value) => value switch
    {
        null => "(unset)",
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => AsDouble(v).ToString("G6", CultureInfo.InvariantCulture),
        JsonArray a => "[" + string.Join(", ", a.Select(Text)) + "]",
        _ => value.ToJsonString(),
    };

    private static JsonArray? List(ImmutableArray<int>? values) => values is { } v ? new JsonArray([.. v.Select(x => (JsonNode?)x)]) : null;

    private static ModelConfig Applies(ModelConfig m, string key, params string[] architectures) =>
        architectures.Contains(m.Architecture) ? m : throw new FormatException($"{key} applies to {string.Join("/", architectures)}, and the model is a {m.Architecture}; change model.architecture first");

    private static FormatException Unknown(string key) =>
        new($"unknown config key '{key}'; the keys are {string.Join(", ", All.Select(k => k.Key))}");

    private static double Number(string key, JsonNode? value, double min, double max)
    {
        if (value is JsonValue v && v.GetValueKind() == JsonValueKind.Number && AsDouble(v) is var d && double.IsFinite(d) && d >= min && d <= max)
        {
            return d;
        }

        throw new FormatException($"{key} {Text(value)} is out of range: {All.First(k => k.Key == key).Range}");
    }

    private static int Integer(string key, JsonNode? value, int min, int max)
    {
        if (value is JsonValue v && v.GetValueKind() == JsonValueKind.Number && AsDouble(v) is var d && d == Math.Floor(d) && d >= min && d <= max)
        {
            return (int)d;
        }

        throw new FormatException($"{key} {Text(value)} is out of range: {All.First(k => k.Key == key).Range}");
    }

    /// <summary>A JSON number as a double, whatever .NET type the node holds.</summary>
    internal static double AsDouble(JsonValue value) => double.Parse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);

    private static int Odd(string key, int value) =>
        value % 2 == 1 ? value : throw new FormatException($"{key} {value} is out of range: {All.First(k => k.Key == key).Range}");

    private static ImmutableArray<int> Integers(string key, JsonNode? value, int max)
    {
        if (value is JsonArray { Count: >= 1 and <= 8 } a)
        {
            return [.. a.Select(x => Integer(key, x, 1, max))];
        }

        throw new FormatException($"{key} {Text(value)} is out of range: {All.First(k => k.Key == key).Range}");
    }

    private static string Choice(string key, JsonNode? value, params string[] choices) =>
        value is JsonValue v && v.GetValueKind() == JsonValueKind.String && choices.Contains(v.GetValue<string>())
            ? v.GetValue<string>()
            : throw new FormatException($"{key} {Text(value)} is not one of {string.Join(", ", choices)}");
}
