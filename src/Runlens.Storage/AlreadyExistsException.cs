namespace Runlens.Storage;

/// <summary>A run id or experiment name that is already taken.</summary>
public sealed class AlreadyExistsException(string message) : StoreException(message);
