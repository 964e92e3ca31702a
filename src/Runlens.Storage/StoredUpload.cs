namespace Runlens.Storage;

/// <summary>Predictions uploaded for a run.</summary>
/// <param name="Name">The upload as the store keeps it, <c>ROLE.FORMAT</c> (<c>validation.jsonl</c>).</param>
/// <param name="Source">How errors and reports name it: <c>run ID: uploaded validation.jsonl</c>.</param>
/// <param name="Format"><c>jsonl</c> or <c>csv</c>.</param>
public sealed record StoredUpload(string Name, string Source, string Format, byte[] Bytes);
