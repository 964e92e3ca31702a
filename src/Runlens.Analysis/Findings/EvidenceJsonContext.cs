using System.Text.Json.Serialization;
using Runlens.Analysis.Rules.AcrossRuns;
using Runlens.Analysis.Rules.DataAndLabels;
using Runlens.Analysis.Rules.LearningDynamics;
using Runlens.Analysis.Rules.Optimisation;
using Runlens.Analysis.Rules.RunAccounting;
using Runlens.Analysis.Rules.Telemetry;

namespace Runlens.Analysis.Findings;

/// <summary>
/// Generated JSON metadata for every evidence record (System.Text.Json source generation): snake_case keys in declaration
/// order, nulls written, NaN and ±Infinity as the strings <c>"NaN"</c>, <c>"Infinity"</c>, <c>"-Infinity"</c>. A new
/// evidence record is added here; <see cref="EvidenceJson"/> refuses a type that is missing, and a test checks that every
/// declared record is present.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(NoEvidence))]
[JsonSerializable(typeof(SeedVarianceEvidence))]
[JsonSerializable(typeof(ClassImbalanceEvidence))]
[JsonSerializable(typeof(ClassImbalancePredictionsEvidence))]
[JsonSerializable(typeof(ConfusionPairsEvidence))]
[JsonSerializable(typeof(GroupMemorizationEvidence))]
[JsonSerializable(typeof(GroupConsistencyEvidence))]
[JsonSerializable(typeof(PredictionEntropyEvidence))]
[JsonSerializable(typeof(TopKGapEvidence))]
[JsonSerializable(typeof(DatasetGapEvidence))]
[JsonSerializable(typeof(LabelNoiseEvidence))]
[JsonSerializable(typeof(OverconfidenceEvidence))]
[JsonSerializable(typeof(PredictionCollapseEvidence))]
[JsonSerializable(typeof(SliceGapEvidence))]
[JsonSerializable(typeof(WeakClassesEvidence))]
[JsonSerializable(typeof(WeakClassesLoggedEvidence))]
[JsonSerializable(typeof(DivergenceEvidence))]
[JsonSerializable(typeof(DivergenceNonFiniteEvidence))]
[JsonSerializable(typeof(EarlyStopInferredEvidence))]
[JsonSerializable(typeof(EarlyStoppingEvidence))]
[JsonSerializable(typeof(EarlyStoppingFiredEvidence))]
[JsonSerializable(typeof(MetricDisagreementEvidence))]
[JsonSerializable(typeof(StopCriteriaEvidence))]
[JsonSerializable(typeof(NotConvergedEpochEvidence))]
[JsonSerializable(typeof(NotConvergedEvidence))]
[JsonSerializable(typeof(NotConvergedLossEvidence))]
[JsonSerializable(typeof(OverfittingEvidence))]
[JsonSerializable(typeof(OverfittingNoiseEvidence))]
[JsonSerializable(typeof(OverfittingRestartEvidence))]
[JsonSerializable(typeof(PastBestCheckpointEvidence))]
[JsonSerializable(typeof(PlateauEvidence))]
[JsonSerializable(typeof(UnderfittingEvidence))]
[JsonSerializable(typeof(ClippingSaturationEvidence))]
[JsonSerializable(typeof(ExplodingGradientsEvidence))]
[JsonSerializable(typeof(LearningRateTooHighEvidence))]
[JsonSerializable(typeof(LearningRateTooLowEvidence))]
[JsonSerializable(typeof(LossNoiseEvidence))]
[JsonSerializable(typeof(LossSpikesEvidence))]
[JsonSerializable(typeof(LossStdEvidence))]
[JsonSerializable(typeof(GradNormStdEvidence))]
[JsonSerializable(typeof(VanishingGradientsEvidence))]
[JsonSerializable(typeof(DeepSaturatingStackEvidence))]
[JsonSerializable(typeof(LayerGradientNormsEvidence))]
[JsonSerializable(typeof(ChangePointEvidence))]
[JsonSerializable(typeof(ScheduleRestartEvidence))]
[JsonSerializable(typeof(EvalTooSmallEvidence))]
[JsonSerializable(typeof(EpochStepMismatchEvidence))]
[JsonSerializable(typeof(FailedRunEvidence))]
[JsonSerializable(typeof(IdenticalSplitsEvidence))]
[JsonSerializable(typeof(MetricAnomalyEvidence))]
[JsonSerializable(typeof(NegativeLossEvidence))]
[JsonSerializable(typeof(PerfectAccuracyZeroF1Evidence))]
[JsonSerializable(typeof(SuddenMetricDropEvidence))]
[JsonSerializable(typeof(ZeroLossEvidence))]
[JsonSerializable(typeof(GpuMemoryEvidence))]
[JsonSerializable(typeof(GpuUtilisationEvidence))]
[JsonSerializable(typeof(MissingTelemetryEvidence))]
[Runlens.Json.GenerateJsonWriter]
internal sealed partial class EvidenceJsonContext : JsonSerializerContext;
