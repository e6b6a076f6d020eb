// Blob storage for the consumer's checkpoints: consumers share the partitions through it, a
// restarted one resumes after its last stored batch, and the KEDA rule reads it to see the
// backlog (checkpoints kept in blob metadata, as the JavaScript SDK writes them).
param location string
@minLength(3)
@maxLength(24)
param accountName string
param containerName string

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: accountName
  location: location
  sku: {
    name: 'Standard_LRS'
  }
  kind: 'StorageV2'
  properties: {
    minimumTlsVersion: 'TLS1_2'
    allowBlobPublicAccess: false
    supportsHttpsTrafficOnly: true
  }
}

resource blobs 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource checkpoints 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobs
  name: containerName
  properties: {
    publicAccess: 'None'
  }
}

output accountName string = account.name
output containerName string = checkpoints.name
