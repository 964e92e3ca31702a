namespace Runlens.Analysis.Metrics;

/// <summary>A score averaged over classes three ways (scikit-learn's <c>average=</c>).</summary>
/// <param name="Macro">Unweighted mean over every class of the class list (classes never seen count, as 0.0).</param>
/// <param name="Weighted">Mean weighted by each class's support (number of true examples).</param>
/// <param name="Micro">From the summed counts; for single-label data precision, recall and F1 micro all equal accuracy.</param>
public sealed record AveragedScore(double Macro, double Weighted, double Micro);

/// <summary>The one-vs-rest scores of one class.</summary>
/// <param name="Class">The class name.</param>
/// <param name="Precision">TP / (TP + FP); 0.0 when the class is never predicted (scikit-learn's default
/// <c>zero_division="warn"</c>, with a warning).</param>
/// <param name="Recall">TP / (TP + FN); 0.0 when the class never occurs as a label (with a warning).</param>
/// <param name="F1">2·P·R / (P + R); 0.0 when P + R = 0.</param>
/// <param name="Support">Number of examples whose true class it is.</param>
/// <param name="Specificity">TN / (TN + FP); 0.0 when every example belongs to the class (with a warning).</param>
/// <param name="AveragePrecision">scikit-learn's <c>average_precision_score</c> of this class's probabilities against
/// "true class is this one"; 0.0 for a class absent from the labels (with a warning); null without probabilities.</param>
public sealed record ClassScores(string Class, double Precision, double Recall, double F1, long Support, double Specificity,
    double? AveragePrecision);

/// <summary>The confusion matrix: rows are true classes, columns predicted classes, both in class-list order.</summary>
/// <param name="Labels">The class names.</param>
/// <param name="Counts">Raw counts.</param>
/// <param name="ByTrue">Each row divided by its sum (recall on the diagonal); rows with no example are all 0.</param>
/// <param name="ByPredicted">Each column divided by its sum (precision on the diagonal); empty columns are all 0.</param>
/// <param name="ByAll">Every cell divided by the number of examples.</param>
public sealed record ConfusionMatrix(IReadOnlyList<string> Labels, IReadOnlyList<IReadOnlyList<long>> Counts,
    IReadOnlyList<IReadOnlyList<double>> ByTrue, IReadOnlyList<IReadOnlyList<double>> ByPredicted,
    IReadOnlyList<IReadOnlyList<double>> ByAll);

/// <summary>A metric that is ill-defined for this input (scikit-learn's <c>UndefinedMetricWarning</c> and its other
/// warnings), or that was left out.</summary>
/// <param name="Metric">The metric's key: <c>precision</c>, <c>recall</c>, <c>f1</c>, <c>specificity</c>,
/// <c>balanced_accuracy</c>, <c>top_k_accuracy</c>, <c>roc_auc</c>, <c>average_precision</c>, <c>cohen_kappa</c>.</param>
/// <param name="Message">What happened and which value was used.</param>
/// <param name="Classes">The classes concerned (empty when the warning is about the whole input).</param>
public sealed record MetricWarning(string Metric, string Message, IReadOnlyList<string> Classes);

/// <summary>
/// Every classification metric of one set of predictions, with scikit-learn 1.2.1's names and values (see docs/metrics.md).
/// Metrics that do not apply are null, never 0.
/// </summary>
/// <param name="Examples">Number of examples.</param>
/// <param name="Classes">The class list.</param>
/// <param name="PositiveClass">With exactly two classes, the second one (the positive class of the binary ROC-AUC and
/// Brier score); otherwise null.</param>
/// <param name="Accuracy">Fraction of examples predicted correctly.</param>
/// <param name="BalancedAccuracy">Mean recall over the classes that occur as labels (classes only predicted are left
/// out, with a warning).</param>
/// <param name="TopK2Accuracy">Fraction of examples whose true class is among the 2 highest probabilities (ties are broken
/// toward the higher class index, as scikit-learn's reversed stable argsort does); 1.0 when there are at most 2 classes
/// (with a warning); null without probabilities.</param>
/// <param name="TopK3Accuracy">The same with the 3 highest.</param>
/// <param name="Precision">Precision averaged three ways.</param>
/// <param name="Recall">Recall averaged three ways.</param>
/// <param name="F1">F1 averaged three ways (macro is the mean of the per-class F1, not the F1 of the mean P and R).</param>
/// <param name="PerClass">One-vs-rest scores per class, in class-list order.</param>
/// <param name="Confusion">The confusion matrix, raw and normalised.</param>
/// <param name="RocAucBinary">With two classes: the ROC-AUC of the second class's probability; otherwise null. Null too when
/// only one class occurs as a label.</param>
/// <param name="RocAucMacro">Two classes: the binary ROC-AUC. More: the one-vs-rest mean over classes; null when a class
/// never occurs as a label or a probability row does not sum to 1 (scikit-learn raises in both cases).</param>
/// <param name="RocAucWeighted">As <paramref name="RocAucMacro"/>, weighted by support.</param>
/// <param name="AveragePrecisionMacro">Mean of the per-class average precision over every class; null without probabilities.</param>
/// <param name="LogLoss">Mean negative log-likelihood of the true class after clipping probabilities to
/// [ε, 1 − ε] (ε = 2⁻⁵², float64's machine epsilon, scikit-learn 1.2.1's <c>eps="auto"</c>) and renormalising each row;
/// null without probabilities or with a single class.</param>
/// <param name="MatthewsCorrelation">Multi-class Matthews correlation (Gorodkin's R_K); 0.0 when undefined.</param>
/// <param name="CohenKappa">Cohen's kappa (unweighted); NaN when chance disagreement is 0 (one class only), as scikit-learn.</param>
/// <param name="Brier">Two classes: mean (p₂ − [y = class 2])² (scikit-learn's <c>brier_score_loss</c>). More classes: mean
/// over examples of Σₖ (pₖ − yₖ)². Null without probabilities.</param>
/// <param name="EntropyMean">Mean over examples of −Σₖ pₖ ln pₖ (natural log, 0·ln 0 = 0, probabilities as given); null
/// without probabilities.</param>
/// <param name="ExpectedCalibrationError">15 equal-width bins over the highest probability, right-closed
/// ((0, 1/15], …, (14/15, 1], 0 in the first); Σ (bin size / n)·|accuracy − mean confidence|, where a hit means the most
/// probable class (first on ties) is the true one. Null without probabilities.</param>
/// <param name="Warnings">Ill-defined metrics and the value used for them.</param>
public sealed record ClassificationMetricsResult(
    int Examples,
    IReadOnlyList<string> Classes,
    string? PositiveClass,
    double Accuracy,
    double BalancedAccuracy,
    double? TopK2Accuracy,
    double? TopK3Accuracy,
    AveragedScore Precision,
    AveragedScore Recall,
    AveragedScore F1,
    IReadOnlyList<ClassScores> PerClass,
    ConfusionMatrix Confusion,
    double? RocAucBinary,
    double? RocAucMacro,
    double? RocAucWeighted,
    double? AveragePrecisionMacro,
    double? LogLoss,
    double MatthewsCorrelation,
    double CohenKappa,
    double? Brier,
    double? EntropyMean,
    double? ExpectedCalibrationError,
    IReadOnlyList<MetricWarning> Warnings);
