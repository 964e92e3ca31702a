using System.Collections.Immutable;
using Runlens.Model.Predictions;

namespace Runlens.Tests.Support;

/// <summary>Builds a <see cref="PredictionSet"/> example by example, as a predictions file would give it.</summary>
internal sealed class PredictionSetBuilder(params string[] classes)
{
    private readonly List<string> _ids = [];
    private readonly List<int> _true = [];
    private readonly List<int> _predicted = [];
    private readonly List<double[]> _probabilities = [];
    private readonly List<Dictionary<string, string>> _slices = [];
    private readonly List<string> _sliceNames = [];

    public int Count => _true.Count;

    /// <summary>Adds one example; the prediction is the argmax of <paramref name="probabilities"/> when not given.</summary>
    public PredictionSetBuilder Add(string id, int label, int? predicted = null, double[]? probabilities = null, params (string Column, string Value)[] slices)
    {
        if (predicted is null && probabilities is null)
        {
            throw new ArgumentException("give a prediction or probabilities");
        }

        _ids.Add(id);
        _true.Add(label);
        _predicted.Add(predicted ?? Array.IndexOf(probabilities!, probabilities!.Max()));
        if (probabilities is not null)
        {
            _probabilities.Add(probabilities);
        }

        var row = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (column, value) in slices)
        {
            if (!_sliceNames.Contains(column))
            {
                _sliceNames.Add(column);
            }

            row[column] = value;
        }

        _slices.Add(row);
        return this;
    }

    public PredictionSet Build()
    {
        if (_probabilities.Count != 0 && _probabilities.Count != _true.Count)
        {
            throw new InvalidOperationException("probabilities for some examples only");
        }

        return new PredictionSet
        {
            Source = "test-predictions.csv",
            Classes = [.. classes],
            ExampleIds = [.. _ids],
            HasExampleIds = true,
            Lines = [.. Enumerable.Range(2, _true.Count)],
            TrueIndices = [.. _true],
            PredictedIndices = [.. _predicted],
            Probabilities = _probabilities.Count == 0 ? null : _probabilities.SelectMany(p => p).ToImmutableArray(),
            Slices = [.. _sliceNames.Select(n => new SliceColumn(n, [.. _slices.Select(r => r.GetValueOrDefault(n, ""))]))],
        };
    }

    /// <summary>Softmax of <paramref name="logits"/>.</summary>
    public static double[] Softmax(double[] logits)
    {
        var max = logits.Max();
        var e = logits.Select(l => Math.Exp(l - max)).ToArray();
        var s = e.Sum();
        return [.. e.Select(v => v / s)];
    }

    /// <summary>A standard normal draw (Box–Muller).</summary>
    public static double Normal(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
