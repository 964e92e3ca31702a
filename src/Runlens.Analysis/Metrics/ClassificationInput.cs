namespace Runlens.Analysis.Metrics;

/// <summary>
/// The predictions of a single-label classifier: the class list, and per example the true class index, the predicted class
/// index and optionally a row of probabilities (one per class, in class order).
/// </summary>
/// <remarks>
/// Indices refer to <see cref="Classes"/>. The class list may hold classes that never occur as a label or as a prediction:
/// every class-averaged metric then includes them (as scikit-learn does when it is given <c>labels=</c>).
/// Probabilities are stored row-major (<c>Probabilities[i * Classes.Count + k]</c>) and must be finite; they need not sum
/// to 1 (multi-class ROC-AUC is then left out, as scikit-learn refuses it, and log loss renormalises the rows).
/// </remarks>
public sealed class ClassificationInput
{
    private readonly int[] _true;
    private readonly int[] _predicted;
    private readonly double[]? _probabilities;

    private ClassificationInput(IReadOnlyList<string> classes, int[] trueClass, int[] predicted, double[]? probabilities)
    {
        Classes = classes;
        _true = trueClass;
        _predicted = predicted;
        _probabilities = probabilities;
    }

    /// <summary>The classes, in the order indices and probability columns refer to.</summary>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>Number of examples.</summary>
    public int Count => _true.Length;

    /// <summary>The true class index of each example.</summary>
    public ReadOnlyMemory<int> TrueClass => _true;

    /// <summary>The predicted class index of each example.</summary>
    public ReadOnlyMemory<int> PredictedClass => _predicted;

    /// <summary>Row-major probabilities (<see cref="Count"/> × <c>Classes.Count</c>), or null when there are none.</summary>
    public ReadOnlyMemory<double>? Probabilities => _probabilities;

    internal int[] TrueArray => _true;

    internal int[] PredictedArray => _predicted;

    internal double[]? ProbabilityArray => _probabilities;

    /// <summary>Predictions given as class indices.</summary>
    /// <param name="classes">The class names (distinct; order is kept).</param>
    /// <param name="trueClass">True class index per example.</param>
    /// <param name="predicted">Predicted class index per example; null when <paramref name="probabilities"/> are given, in
    /// which case the prediction is the most probable class (the first one on ties, like numpy's argmax).</param>
    /// <param name="probabilities">Row-major probabilities, <c>trueClass.Length × classes.Count</c>, or null.</param>
    /// <exception cref="ArgumentException">Indices out of range, lengths that disagree, duplicate class names, no classes,
    /// or a probability that is NaN or infinite.</exception>
    public static ClassificationInput Create(IReadOnlyList<string> classes, int[] trueClass, int[]? predicted, double[]? probabilities = null)
    {
        ArgumentNullException.ThrowIfNull(classes);
        ArgumentNullException.ThrowIfNull(trueClass);
        var k = classes.Count;
        if (k == 0)
        {
            throw new ArgumentException("at least one class is needed", nameof(classes));
        }

        if (classes.Distinct(StringComparer.Ordinal).Count() != k)
        {
            throw new ArgumentException("class names must be distinct", nameof(classes));
        }

        if (probabilities is not null)
        {
            if (probabilities.LongLength != (long)trueClass.Length * k)
            {
                throw new ArgumentException($"expected {trueClass.Length} × {k} probabilities, got {probabilities.Length}", nameof(probabilities));
            }

            foreach (var p in probabilities)
            {
                if (!double.IsFinite(p))
                {
                    throw new ArgumentException("probabilities must be finite numbers", nameof(probabilities));
                }
            }
        }

        if (predicted is null)
        {
            if (probabilities is null)
            {
                throw new ArgumentException("predicted classes or probabilities are needed", nameof(predicted));
            }

            predicted = new int[trueClass.Length];
            for (var i = 0; i < predicted.Length; i++)
            {
                predicted[i] = ArgMax(probabilities.AsSpan(i * k, k));
            }
        }
        else if (predicted.Length != trueClass.Length)
        {
            throw new ArgumentException($"{trueClass.Length} true classes but {predicted.Length} predictions", nameof(predicted));
        }

        CheckRange(trueClass, k, nameof(trueClass));
        CheckRange(predicted, k, nameof(predicted));
        return new ClassificationInput(classes.ToArray(), trueClass, predicted, probabilities);
    }

    /// <summary>Predictions given as class names.</summary>
    /// <param name="trueLabels">The true class name per example.</param>
    /// <param name="predictedLabels">The predicted class name per example, or null to take the most probable class.</param>
    /// <param name="probabilities">Row-major probabilities with one column per name in <paramref name="probabilityClasses"/>, or null.</param>
    /// <param name="probabilityClasses">The class of each probability column (required with probabilities).</param>
    /// <param name="classes">The class list; null for the union of the labels, predictions and probability columns,
    /// sorted ordinally. A given list must contain all of them.</param>
    public static ClassificationInput FromLabels(IReadOnlyList<string> trueLabels, IReadOnlyList<string>? predictedLabels,
        double[]? probabilities = null, IReadOnlyList<string>? probabilityClasses = null, IReadOnlyList<string>? classes = null)
    {
        ArgumentNullException.ThrowIfNull(trueLabels);
        if (probabilities is not null && probabilityClasses is null)
        {
            throw new ArgumentException("probability columns need their class names", nameof(probabilityClasses));
        }

        IReadOnlyList<string> list = classes ?? trueLabels
            .Concat(predictedLabels ?? [])
            .Concat(probabilityClasses ?? [])
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToArray();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < list.Count; i++)
        {
            if (!index.TryAdd(list[i], i))
            {
                throw new ArgumentException($"class '{list[i]}' is listed twice", nameof(classes));
            }
        }

        int Lookup(string name, string parameter) =>
            index.TryGetValue(name, out var i) ? i : throw new ArgumentException($"class '{name}' is not in the class list", parameter);

        var t = new int[trueLabels.Count];
        for (var i = 0; i < t.Length; i++)
        {
            t[i] = Lookup(trueLabels[i], nameof(trueLabels));
        }

        int[]? p = null;
        if (predictedLabels is not null)
        {
            p = new int[predictedLabels.Count];
            for (var i = 0; i < p.Length; i++)
            {
                p[i] = Lookup(predictedLabels[i], nameof(predictedLabels));
            }
        }

        double[]? probs = null;
        if (probabilities is not null)
        {
            var columns = probabilityClasses!.Count;
            if (columns != list.Count)
            {
                throw new ArgumentException($"{columns} probability columns for {list.Count} classes: every class needs one", nameof(probabilityClasses));
            }

            var map = new int[columns];
            var seen = new bool[list.Count];
            for (var c = 0; c < columns; c++)
            {
                map[c] = Lookup(probabilityClasses[c], nameof(probabilityClasses));
                if (seen[map[c]])
                {
                    throw new ArgumentException($"two probability columns for class '{probabilityClasses[c]}'", nameof(probabilityClasses));
                }

                seen[map[c]] = true;
            }

            if (probabilities.LongLength != (long)t.Length * columns)
            {
                throw new ArgumentException($"expected {t.Length} × {columns} probabilities, got {probabilities.Length}", nameof(probabilities));
            }

            probs = new double[probabilities.Length];
            for (var i = 0; i < t.Length; i++)
            {
                for (var c = 0; c < columns; c++)
                {
                    probs[(i * columns) + map[c]] = probabilities[(i * columns) + c];
                }
            }
        }

        return Create(list, t, p, probs);
    }

    internal static int ArgMax(ReadOnlySpan<double> row)
    {
        var best = 0;
        for (var k = 1; k < row.Length; k++)
        {
            if (row[k] > row[best])
            {
                best = k;
            }
        }

        return best;
    }

    private static void CheckRange(int[] indices, int k, string parameter)
    {
        foreach (var i in indices)
        {
            if ((uint)i >= (uint)k)
            {
                throw new ArgumentException($"class index {i} is outside 0..{k - 1}", parameter);
            }
        }
    }
}
