/** Splits the parameters of an AT answer (`+CMGR: "REC UNREAD","+4912345",,"26/02/12,12:45:04+00",145`) at the commas outside quotes, unquoting them. */
export function parseAtFields(text: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (const character of text) {
    if (character === '"') quoted = !quoted;
    else if (character === ',' && !quoted) {
      fields.push(field.trim());
      field = '';
    } else field += character;
  }
  fields.push(field.trim());
  return fields;
}
