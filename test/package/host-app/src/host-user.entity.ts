import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** The host application's own user. Its id is a number, which the library stores as a string. */
@Entity({ name: 'host_users' })
export class HostUser {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 64, unique: true })
  name: string;
}
