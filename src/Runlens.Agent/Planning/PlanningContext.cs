using Runlens.Agent.Configuration;
using Runlens.Agent.Goals;
using Runlens.Agent.Registry;
using Runlens.Analysis.Comparison;
using Runlens.Analysis.Diagnoses;
using Runlens.Analysis.Sweeps;

namespace Runlens.Agent.Planning;

/// <summary>What a planner sees after an experiment: the goal, every experiment so far (the last one included), the
/// diagnoses of every experiment's runs by seed (typed findings and evidence), the comparison of all runs so far and
/// the impact analysis once there are enough runs.</summary>
public sealed record PlanningContext(
    AgentGoal Goal,
    AgentConfig Config,
    IReadOnlyList<ExperimentRecord> Experiments,
    IReadOnlyDictionary<string, IReadOnlyDictionary<int, Diagnosis>> Diagnoses,
    ExperimentComparison? Comparison,
    ImpactAnalysis? Impact,
    string NextId)
{
    public ExperimentRecord Last => Experiments[^1];

    /// <summary>The experiment with the best judged goal figure so far, or null when none gave one.</summary>
    public ExperimentRecord? Best => Experiments.Where(e => e.Evaluation?.GoalValue is not null)
        .OrderBy(e => Goal.Target.GreaterIsBetter ? -e.Evaluation!.GoalValue!.Value : e.Evaluation!.GoalValue!.Value)
        .ThenBy(e => e.Iteration).FirstOrDefault();

    public IReadOnlyDictionary<int, Diagnosis> DiagnosesOf(string experiment) =>
        Diagnoses.TryGetValue(experiment, out var d) ? d : new Dictionary<int, Diagnosis>();
}
