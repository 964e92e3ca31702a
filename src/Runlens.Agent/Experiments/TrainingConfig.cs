namespace Runlens.Agent.Experiments;

/// <summary>How an experiment trains.</summary>
/// <param name="Optimizer"><c>adam</c>, <c>adamw</c> or <c>sgd</c> (with momentum 0.9).</param>
public sealed record TrainingConfig(string Optimizer, double LearningRate, int Epochs, int BatchSize, double WeightDecay = 0.0);
