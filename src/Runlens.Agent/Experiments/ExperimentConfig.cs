namespace Runlens.Agent.Experiments;

/// <summary>One experiment's configuration: the data set, the model and the training. The agent writes it to
/// <c>configs/EXPERIMENT.json</c> (schema <c>runlens.agent-experiment/v1</c>) with the model code's path and the limits,
/// and the trainer reads it.</summary>
public sealed record ExperimentConfig(DatasetConfig Dataset, ModelConfig Model, TrainingConfig Training);
