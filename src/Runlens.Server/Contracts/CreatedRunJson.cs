namespace Runlens.Server.Contracts;

/// <summary>A run created (or found again when a client retries its create): its id and whether it is new.</summary>
internal sealed record CreatedRunJson(string Id, bool Created);
