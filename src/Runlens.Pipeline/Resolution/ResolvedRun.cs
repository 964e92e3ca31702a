using Runlens.Analysis.Evaluation;
using Runlens.Model;

namespace Runlens.Pipeline.Resolution;

/// <summary>A run with everything that belongs to it and that the rules read: its points, config, events (a
/// <c>runlens run</c> folder's process events and control actions among them) and checkpoints in
/// <see cref="Run"/>, and its validation and training predictions (given as files, or uploaded for a stored run).</summary>
public sealed record ResolvedRun(Run Run, PredictionContext? Validation = null, PredictionContext? Training = null);
