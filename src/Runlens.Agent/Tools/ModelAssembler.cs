using System.Globalization;
using Runlens.Agent.Experiments;

namespace Runlens.Agent.Tools;

/// <summary>
/// Seed 003's <c>pytorch_model_assembler</c>: a <see cref="ModelConfig"/> becomes the source of a PyTorch module from a
/// built-in template (MLP, CNN, GRU/LSTM, a small transformer encoder). The module defines
/// <c>build_model(config, input_shape, num_classes)</c>, the function the reference trainer calls; the sizes are written
/// into the code, so the file alone says what was trained. Deterministic: the same config gives the same bytes.
/// </summary>
public static class ModelAssembler
{
    /// <exception cref="FormatException">A config the template cannot build (a size missing).</exception>
    public static string Assemble(ModelConfig model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var (template, values) = model.Architecture switch
        {
            "mlp" => ("mlp", new Dictionary<string, string> { ["HIDDEN"] = List(model.Hidden, "model.hidden") }),
            "cnn" => ("cnn", new Dictionary<string, string>
            {
                ["CHANNELS"] = List(model.Channels, "model.channels"),
                ["KERNEL_SIZE"] = Int(model.KernelSize, "model.kernel_size"),
            }),
            "gru" or "lstm" => ("rnn", new Dictionary<string, string>
            {
                ["KIND"] = model.Architecture.ToUpperInvariant(),
                ["CLASS"] = model.Architecture == "gru" ? "GRU" : "LSTM",
                ["HIDDEN_SIZE"] = Int(model.HiddenSize, "model.hidden_size"),
                ["LAYERS"] = Int(model.Layers, "model.layers"),
            }),
            "transformer" => ("transformer", new Dictionary<string, string>
            {
                ["D_MODEL"] = Int(model.DModel, "model.d_model"),
                ["HEADS"] = Int(model.Heads, "model.heads"),
                ["LAYERS"] = Int(model.Layers, "model.layers"),
            }),
            _ => throw new FormatException($"unknown architecture '{model.Architecture}'; use one of {string.Join(", ", ModelConfig.Architectures)}"),
        };
        values["DROPOUT"] = model.Dropout.ToString("R", CultureInfo.InvariantCulture);
        values["SUMMARY"] = Describe(model);
        var code = Template(template);
        foreach (var (name, value) in values)
        {
            code = code.Replace("{{" + name + "}}", value, StringComparison.Ordinal);
        }

        return code;
    }

    /// <summary>The model in a few words: "mlp, hidden [64, 32], dropout 0.1".</summary>
    public static string Describe(ModelConfig model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var parts = new List<string> { model.Architecture };
        void Add(string name, object? value)
        {
            if (value is not null)
            {
                parts.Add(name + " " + value);
            }
        }

        Add("hidden", model.Hidden is { } h ? List(h, "") : null);
        Add("channels", model.Channels is { } c ? List(c, "") : null);
        Add("kernel", model.KernelSize);
        Add("hidden size", model.HiddenSize);
        Add("layers", model.Layers);
        Add("d_model", model.DModel);
        Add("heads", model.Heads);
        parts.Add("dropout " + model.Dropout.ToString("G4", CultureInfo.InvariantCulture));
        return string.Join(", ", parts);
    }

    private static string Template(string name)
    {
        using var stream = typeof(ModelAssembler).Assembly.GetManifestResourceStream($"Runlens.Agent.Templates.{name}.py")
            ?? throw new InvalidOperationException($"the {name} template is not built into Runlens.Agent");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static string List(System.Collections.Immutable.ImmutableArray<int>? values, string key) =>
        values is { IsDefaultOrEmpty: false } v ? "[" + string.Join(", ", v.Select(x => x.ToString(CultureInfo.InvariantCulture))) + "]"
            : throw new FormatException($"{key} is missing for this architecture");

    private static string Int(int? value, string key) =>
        value is { } v ? v.ToString(CultureInfo.InvariantCulture) : throw new FormatException($"{key} is missing for this architecture");
}
