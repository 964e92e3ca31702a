using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Runlens.Agent.Goals;

/// <summary>
/// Reads the structured target out of a goal sentence such as "reach macro-F1 0.95 on digits" or "accuracy of at least
/// 97% on the wine data set": the metric (by the names people use for <c>runlens evaluate</c>'s metrics), the threshold
/// (a number, or a percentage) and the data set (scikit-learn's bundled ones by name, or a CSV path).
/// </summary>
public static partial class GoalText
{
    private static readonly (string Metric, string[] Names)[] Aliases =
    [
        ("f1_macro", ["macro-f1", "macro f1", "f1 macro", "f1_macro", "macro-averaged f1", "f1-macro"]),
        ("f1_weighted", ["weighted f1", "weighted-f1", "f1_weighted"]),
        ("f1_micro", ["micro f1", "micro-f1", "f1_micro"]),
        ("balanced_accuracy", ["balanced accuracy", "balanced_accuracy"]),
        ("accuracy", ["accuracy"]),
        ("precision_macro", ["macro precision", "precision_macro", "precision"]),
        ("recall_macro", ["macro recall", "recall_macro", "recall"]),
        ("roc_auc_macro", ["roc-auc", "roc auc", "auc", "roc_auc_macro"]),
        ("average_precision_macro", ["average precision", "pr-auc", "average_precision_macro"]),
        ("mcc", ["mcc", "matthews"]),
        ("cohen_kappa", ["kappa", "cohen_kappa"]),
        ("log_loss", ["log loss", "log-loss", "log_loss", "cross-entropy"]),
        ("brier", ["brier"]),
        ("ece", ["calibration error", "ece"]),
    ];

    private static readonly string[] SklearnSets = ["digits", "iris", "wine", "breast_cancer"];

    /// <summary>The metric names a goal can use.</summary>
    public static IEnumerable<string> Metrics => Aliases.Select(a => a.Metric);

    /// <summary>Reads what it can; null when the sentence is empty.</summary>
    public static ParsedGoalText? TryParse(string sentence)
    {
        if (string.IsNullOrWhiteSpace(sentence))
        {
            return null;
        }

        var lower = sentence.ToLowerInvariant();
        var metric = Aliases.SelectMany(a => a.Names.Select(n => (a.Metric, Name: n, At: IndexOfWord(lower, n))))
            .Where(x => x.At >= 0).OrderBy(x => x.At).ThenByDescending(x => x.Name.Length).Select(x => x.Metric).FirstOrDefault();
        double? threshold = null;
        foreach (Match m in NumberPattern().Matches(lower))
        {
            var v = double.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture);
            threshold = m.Groups["pct"].Success ? v / 100 : v;
            break;
        }

        string? dataset = null;
        var csv = CsvPattern().Match(sentence);
        if (csv.Success)
        {
            dataset = "csv:" + csv.Value;
        }
        else
        {
            dataset = SklearnSets.Where(s => IndexOfWord(lower.Replace("breast cancer", "breast_cancer", StringComparison.Ordinal), s) >= 0).Select(s => "sklearn:" + s).FirstOrDefault();
        }

        return new ParsedGoalText(metric, threshold, dataset);
    }

    /// <summary>The metric a name stands for (<c>macro-F1</c> → <c>f1_macro</c>), or null.</summary>
    public static string? Metric(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var lower = name.Trim().ToLowerInvariant();
        return Aliases.FirstOrDefault(a => a.Metric == lower || a.Names.Contains(lower)).Metric;
    }

    /// <summary>Whether higher is better for the metric (losses, Brier score and calibration error are minimised).</summary>
    public static bool GreaterIsBetter(string metric) => !(metric.Contains("loss", StringComparison.Ordinal) || metric is "brier" or "ece");

    /// <summary>A data set as the trainer reads it (a bare scikit-learn name gets its prefix; relative paths are made
    /// absolute from <paramref name="folder"/>), or null when it is none of the kinds.</summary>
    public static string? Dataset(string text, string folder)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.Trim();
        if (SklearnSets.Contains(t.ToLowerInvariant()))
        {
            return "sklearn:" + t.ToLowerInvariant();
        }

        var (kind, rest) = t.IndexOf(':', StringComparison.Ordinal) is var i and > 0 ? (t[..i], t[(i + 1)..]) : ("", t);
        return kind switch
        {
            "sklearn" when SklearnSets.Contains(rest) => t,
            "csv" when rest.Length > 0 => "csv:" + Absolute(rest, folder),
            "module" when rest.LastIndexOf(':') is var j and > 0 => "module:" + Absolute(rest[..j], folder) + rest[j..],
            _ => null,
        };
    }

    /// <summary>A short folder-safe name: <c>reach-macro-f1-0-95-on-digits</c>.</summary>
    public static string Slug(string sentence)
    {
        ArgumentNullException.ThrowIfNull(sentence);
        var b = new StringBuilder();
        foreach (var c in sentence.ToLowerInvariant())
        {
            b.Append(char.IsAsciiLetterOrDigit(c) ? c : '-');
        }

        var slug = DashRun().Replace(b.ToString(), "-").Trim('-');
        return slug.Length == 0 ? "goal" : slug.Length > 48 ? slug[..48].TrimEnd('-') : slug;
    }

    private static string Absolute(string path, string folder) => Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(folder, path));

    private static int IndexOfWord(string text, string word)
    {
        for (var at = text.IndexOf(word, StringComparison.Ordinal); at >= 0; at = text.IndexOf(word, at + 1, StringComparison.Ordinal))
        {
            var before = at == 0 || !char.IsLetterOrDigit(text[at - 1]);
            var end = at + word.Length;
            var after = end >= text.Length || !char.IsLetterOrDigit(text[end]);
            if (before && after)
            {
                return at;
            }
        }

        return -1;
    }

    [GeneratedRegex(@"(?<![\w.])(?<n>\d+(?:\.\d+)?|\.\d+)(?<pct>\s*%)?(?![\w.])")]
    private static partial Regex NumberPattern();

    [GeneratedRegex(@"[^\s""']+\.csv\b", RegexOptions.IgnoreCase)]
    private static partial Regex CsvPattern();

    [GeneratedRegex("-+")]
    private static partial Regex DashRun();
}
