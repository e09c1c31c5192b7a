using System;
using System.IO;

namespace NetGen.IO
{
    /// <summary>
    /// Builds the <see cref="InvalidDataException"/> thrown for malformed or mismatching safetensors files
    /// (InvalidDataException is sealed, so there is no derived type). Messages read
    /// "safetensors file 'path': tensor 'name': expected ... but found ...".
    /// </summary>
    internal static class SafeTensorsError
    {
        public static InvalidDataException Create(string detail, string? fileName, string? tensorName, Exception? inner = null)
        {
            string where = fileName is null ? "safetensors stream" : "safetensors file '" + fileName + "'";
            string message = tensorName is null
                ? where + ": " + detail
                : where + ": tensor '" + tensorName + "': " + detail;
            return new InvalidDataException(message, inner);
        }
    }
}
