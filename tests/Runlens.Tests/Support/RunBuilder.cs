using System.Collections.Immutable;
using Runlens.Model;

namespace Runlens.Tests.Support;

/// <summary>Builds realistic runs for rule tests.</summary>
internal sealed class RunBuilder(string format = "hf-trainer-state")
{
    private readonly ImmutableSortedDictionary<string, Series>.Builder _series =
        ImmutableSortedDictionary.CreateBuilder<string, Series>(StringComparer.Ordinal);
    private readonly Dictionary<string, ConfigValue> _config = new(StringComparer.Ordinal);
    private TrainerState _trainer = TrainerState.Empty;
    private ImmutableArray<Checkpoint> _checkpoints = [];
    private readonly List<RunEvent> _events = [];
    private RunStatus _status = RunStatus.Unknown;
    private string _id = "test-run";
    private string? _experiment;

    public RunBuilder Series(string key, long[] steps, double[] values, string? original = null, double[]? epochs = null)
    {
        var points = steps.Select((s, i) => new SeriesPoint(s, values[i], epochs?[i] ?? double.NaN)).ToImmutableArray();
        _series[key] = new Series(key, original ?? key, points);
        return this;
    }

    /// <summary>Evenly spaced steps: start, start+every, ...</summary>
    public RunBuilder Series(string key, long every, params double[] values) =>
        Series(key, [.. Enumerable.Range(1, values.Length).Select(i => i * every)], values);

    public RunBuilder Config(string key, double value)
    {
        _config[key] = ConfigValue.Of(value);
        return this;
    }

    public RunBuilder Config(string key, string value)
    {
        _config[key] = ConfigValue.Of(value);
        return this;
    }

    /// <summary>The run's id and name (default <c>test-run</c>) and experiment.</summary>
    public RunBuilder Named(string id, string? experiment = null)
    {
        _id = id;
        _experiment = experiment;
        return this;
    }

    public RunBuilder Config(string key, bool value)
    {
        _config[key] = ConfigValue.Of(value);
        return this;
    }

    public RunBuilder Trainer(Func<TrainerState, TrainerState> change)
    {
        _trainer = change(_trainer);
        return this;
    }

    public RunBuilder Checkpoint(long step, string path)
    {
        _checkpoints = _checkpoints.Add(new Checkpoint(step, path));
        return this;
    }

    public RunBuilder Event(RunEvent e)
    {
        _events.Add(e);
        return this;
    }

    public RunBuilder Status(RunStatus status)
    {
        _status = status;
        return this;
    }

    /// <summary>Gaussian noise (Box–Muller) with the given standard deviation, n values.</summary>
    public static double[] Noise(int n, double sd, int seed = 1)
    {
        var rng = new Random(seed);
        return [.. Enumerable.Range(0, n).Select(_ => sd * Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()))];
    }

    public Run Build() => new()
    {
        Identity = new RunIdentity(_id, _id, _experiment, new RunSource(format, "/tmp/" + _id)),
        Series = _series.ToImmutable(),
        Config = RunConfig.From(_config),
        Trainer = _trainer,
        Checkpoints = _checkpoints,
        Events = [.. _events],
        Status = _status,
    };

    /// <summary>A falling training loss with mild noise, n logs.</summary>
    public static double[] Falling(int n, double from, double to, double noise = 0.01, int seed = 1)
    {
        var rng = new Random(seed);
        return [.. Enumerable.Range(0, n).Select(i => from + (to - from) * (1 - Math.Exp(-4.0 * i / n)) / (1 - Math.Exp(-4.0))
            + noise * (rng.NextDouble() - 0.5))];
    }
}
