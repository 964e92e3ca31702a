namespace Runlens.Storage;

/// <summary>The run (or experiment) a write names does not exist.</summary>
public sealed class RunNotFoundException(string message) : StoreException(message);
