using System.Collections.Immutable;
using Runlens.Analysis.Rules.AcrossRuns;
using Runlens.Analysis.Rules.DataAndLabels;
using Runlens.Analysis.Rules.LearningDynamics;
using Runlens.Analysis.Rules.Optimisation;
using Runlens.Analysis.Rules.RunAccounting;
using Runlens.Analysis.Rules.Telemetry;

namespace Runlens.Analysis.Rules;

/// <summary>Every rule Runlens runs, in id order. A new rule is added here (and documented in docs/rules/).</summary>
public static class RuleCatalog
{
    public static ImmutableArray<IRule> All { get; } =
    [
        new OverfittingRule(),
        new PastBestCheckpointRule(),
        new EarlyStoppingRule(),
        new PlateauRule(),
        new UnderfittingRule(),
        new NotConvergedRule(),
        new DivergenceRule(),
        new MetricDisagreementRule(),
        new StopCriteriaRule(),
        new LearningRateTooHighRule(),
        new LearningRateTooLowRule(),
        new ExplodingGradientsRule(),
        new VanishingGradientsRule(),
        new ClippingSaturationRule(),
        new LossSpikesRule(),
        new LossStdRule(),
        new GradNormStdRule(),
        new ClassImbalanceRule(),
        new PredictionCollapseRule(),
        new LabelNoiseRule(),
        new WeakClassesRule(),
        new ConfusionPairsRule(),
        new GroupMemorizationRule(),
        new SliceGapRule(),
        new OverconfidenceRule(),
        new PredictionEntropyRule(),
        new GroupConsistencyRule(),
        new TopKGapRule(),
        new DatasetGapRule(),
        new EpochStepMismatchRule(),
        new SuddenMetricDropRule(),
        new ChangePointRule(),
        new MetricAnomalyRule(),
        new FailedRunRule(),
        new HardwareUnderusedRule(),
        new SuspiciousValuesRule(),
        new EvalTooSmallRule(),
        new MissingTelemetryRule(),
        new SeedVarianceRule(),
    ];

    public static IRule? Find(string idOrSlug) => All.FirstOrDefault(r =>
        string.Equals(r.Descriptor.Id, idOrSlug, StringComparison.OrdinalIgnoreCase)
        || string.Equals(r.Descriptor.Slug, idOrSlug, StringComparison.OrdinalIgnoreCase));
}
