using Runlens.Model;

namespace Runlens.Import.Output;

/// <summary>A <c>runlens run</c> folder as read.</summary>
/// <param name="TrainerLog">The trainer's log diagnosed with the process, or null when none was found or read.</param>
/// <param name="Problem">What could not be read (the trainer's log, control.json), for one line on stderr; the rest was.</param>
public sealed record RunFolderRead(Run Run, RecordedProcess Process, string? TrainerLog, string? Problem);
