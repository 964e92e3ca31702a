namespace Runlens.Audit;

/// <summary>How far the measuring has come: files done of the total.</summary>
public readonly record struct AuditProgress(int Done, int Total);
